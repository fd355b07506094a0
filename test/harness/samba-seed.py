#!/usr/bin/python3
# Seed a freshly provisioned (not yet running) Samba AD DC's sam.ldb in ONE transaction.
# Must run with Debian's /usr/bin/python3 (the samba python bindings live there).
#   usage: samba-seed.py SMB_CONF SEED.json
# SEED.json (written by test/harness/seed-files.ts):
#   {"ous": [dn...], "users": [{"dn", "sAMAccountName", "userPrincipalName", "givenName", "sn",
#    "mail"?, "userAccountControl"}], "groups": [{"dn", "sAMAccountName", "member": [dn...]}]}
# Groups are added empty first and filled afterwards: `member` is a linked attribute and its targets
# (nested groups, cycles) must exist when it is written.
import json, sys, time
import ldb
from samba.param import LoadParm
from samba.auth import system_session
from samba.samdb import SamDB

conf, seed_path = sys.argv[1], sys.argv[2]
seed = json.load(open(seed_path, encoding="utf-8"))
lp = LoadParm()
lp.load(conf)
t0 = time.time()
db = SamDB(url=lp.private_path("sam.ldb"), session_info=system_session(), lp=lp)

db.transaction_start()
try:
    for dn in seed["ous"]:
        db.add({"dn": dn, "objectClass": "organizationalUnit"})
    for u in seed["users"]:
        msg = {"objectClass": "user"}
        msg.update(u)
        db.add(msg)
    for g in seed["groups"]:
        db.add({"dn": g["dn"], "objectClass": "group", "sAMAccountName": g["sAMAccountName"]})
    for g in seed["groups"]:
        if not g["member"]:
            continue
        m = ldb.Message()
        m.dn = ldb.Dn(db, g["dn"])
        m["member"] = ldb.MessageElement(g["member"], ldb.FLAG_MOD_ADD, "member")
        db.modify(m)
    db.transaction_commit()
except Exception:
    db.transaction_cancel()
    raise
print("seeded %d users, %d groups in %.1fs" % (len(seed["users"]), len(seed["groups"]), time.time() - t0), file=sys.stderr)
