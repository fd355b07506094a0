#!/usr/bin/env bash
# Provision and start a throwaway Samba 4.17 Active Directory DC (Debian bookworm) on loopback.
#
#   Usage: start-samba-ad.sh DIR [SEED.json]   (SEED: see samba-seed.py; made by seed-files.ts)
#   Env:   HOST_IP=127.0.0.1   (any 127.x address; LDAP ports are FIXED by Samba: 389, 636, 3268, 3269)
#          REALM=EXAMPLE.COM DOMAIN=EXAMPLE ADMIN_PW='Passw0rd!Test'
#          the seed is loaded offline in one transaction, before start
#          STRONG_AUTH=no   (yes = Samba default: simple bind over plain ldap:// is refused)
#
# Prints shell-evaluable AD_* lines on stdout; logs go to stderr / $DIR/log.samba.
# Stop with:  kill "$(cat $DIR/samba.pid)"
#
# Requires: DEBIAN_FRONTEND=noninteractive apt-get install -y samba samba-ad-dc samba-ad-provision \
#           ldap-utils     (no service is started: no systemd, policy-rc.d=101)
set -euo pipefail

DIR="$1"; SEED="${2:-}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
HOST_IP="${HOST_IP:-127.0.0.1}"
REALM="${REALM:-EXAMPLE.COM}"
DOMAIN="${DOMAIN:-EXAMPLE}"
ADMIN_PW="${ADMIN_PW:-Passw0rd!Test}"
STRONG_AUTH="${STRONG_AUTH:-no}"
PATH="/usr/sbin:/usr/bin:$PATH"
PY=/usr/bin/python3   # NOT pyenv's python3: samba bindings are only in Debian's python

[ -x /usr/sbin/samba ] || { echo "samba not installed" >&2; exit 2; }
# Samba only binds addresses that are configured on an interface ('interfaces = 127.0.0.2'
# alone => "no network interfaces found"); lo normally only has 127.0.0.1. Since the LDAP
# ports are fixed, run one instance per network namespace if you need several.
case " $(ip -o addr show 2>/dev/null | awk '{print $4}' | cut -d/ -f1 | tr "\n" " ") " in *" $HOST_IP "*) ;; *) echo "HOST_IP $HOST_IP is not configured on any interface" >&2; exit 2;; esac
if [ -e "$DIR/private/sam.ldb" ]; then echo "$DIR already provisioned; use a fresh DIR" >&2; exit 2; fi
mkdir -p "$DIR/run"
t0=$(date +%s.%N)

# --- provision (~6 s; --option values land in the generated smb.conf) ---------------
samba-tool domain provision \
  --targetdir="$DIR" --realm="$REALM" --domain="$DOMAIN" --server-role=dc \
  --dns-backend=NONE --use-rfc2307 --adminpass="$ADMIN_PW" \
  --host-name=dc1 --host-ip="$HOST_IP" \
  --option="interfaces = $HOST_IP" --option="bind interfaces only = yes" \
  --option="ldb:nosync = true" \
  >"$DIR/provision.log" 2>&1 || { tail -30 "$DIR/provision.log" >&2; exit 1; }
t_prov=$(date +%s.%N)

# --- make the instance self-contained and LDAP-only ----------------------------------
# Samba's auto-generated cert has CN=DC1.<realm> and no SAN, so clients that verify the
# hostname fail against 127.0.0.1: use our own CA + cert with SAN IP:$HOST_IP instead.
"$HERE/mkcert.sh" "$DIR/tls" "$HOST_IP"
"$PY" - "$DIR" "$STRONG_AUTH" <<'EOF'
import sys, re
d, strong = sys.argv[1], sys.argv[2]
p = d + "/etc/smb.conf"
s = open(p).read()
s = re.sub(r"\tlog file = .*\n", "", s)
s = re.sub(r"\tserver services = .*\n", "", s)
extra = (
    "\tlog file = %s/log.samba\n" % d +          # %m is not expanded by the AD DC: would create 'log.%%m'
    "\tlog level = 1\n"
    "\tpid directory = %s/run\n" % d +
    "\tncalrpc dir = %s/run/ncalrpc\n" % d +
    "\twinbindd socket directory = %s/run/winbindd\n" % d +
    "\tntp signd socket directory = %s/run/ntp_signd\n" % d +
    "\tserver services = ldap, cldap, rpc\n"       # no kdc/dns/smb/winbind/drepl needed for LDAP tests
    "\tldap server require strong auth = %s\n" % strong +
    "\tdisable netbios = yes\n"
    "\ttls enabled = yes\n"
    "\ttls keyfile = %s/tls/server.key\n" % d +
    "\ttls certfile = %s/tls/server.pem\n" % d +
    "\ttls cafile = %s/tls/ca.pem\n" % d
)
s = s.replace("[global]\n", "[global]\n" + extra, 1)
open(p, "w").write(s)
EOF

# --- optional bulk seed, offline, one transaction ------------------------------------
if [ -n "$SEED" ]; then
  "$PY" "$HERE/samba-seed.py" "$DIR/etc/smb.conf" "$SEED"
fi
t_seed=$(date +%s.%N)

# --- start ---------------------------------------------------------------------------
# 'single' process model keeps it to one process; --no-process-group so `kill PID` is enough.
samba -s "$DIR/etc/smb.conf" --foreground --no-process-group -M single >"$DIR/samba.stdout" 2>&1 &
echo $! >"$DIR/samba.pid"

ok=
for _ in $(seq 1 150); do   # bounded: 15 s
  if ldapsearch -x -H "ldap://$HOST_IP:389" -b "" -s base -LLL defaultNamingContext 2>/dev/null | grep -q defaultNamingContext; then ok=1; break; fi
  kill -0 "$(cat "$DIR/samba.pid")" 2>/dev/null || break
  sleep 0.1
done
[ -n "$ok" ] || { echo "samba did not come up" >&2; tail -30 "$DIR/samba.stdout" "$DIR/log.samba" >&2 2>/dev/null; kill "$(cat "$DIR/samba.pid")" 2>/dev/null; exit 1; }
t1=$(date +%s.%N)

BASE_DN="DC=$(echo "${REALM,,}" | sed 's/\./,DC=/g')"
awk -v a="$t0" -v p="$t_prov" -v s="$t_seed" -v b="$t1" \
  'BEGIN{printf "samba AD ready in %.1f s (provision %.1f s, seed %.1f s, start %.1f s)\n", b-a, p-a, s-p, b-s}' >&2
echo "AD_URL=ldap://$HOST_IP:389"
echo "AD_LDAPS_URL=ldaps://$HOST_IP:636"
echo "AD_GC_URL=ldap://$HOST_IP:3268"
echo "AD_BASE_DN=$BASE_DN"
echo "AD_BIND_DN=CN=Administrator,CN=Users,$BASE_DN"
echo "AD_BIND_UPN=Administrator@${REALM,,}"
echo "AD_BIND_PW='$ADMIN_PW'"
echo "AD_TLS_CA=$DIR/tls/ca.pem"
echo "SAMBA_DIR=$DIR"
echo "SAMBA_PID=$(cat "$DIR/samba.pid")"
