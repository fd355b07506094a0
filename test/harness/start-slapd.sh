#!/usr/bin/env bash
# Start a throwaway OpenLDAP slapd (Debian `slapd` 2.5) on loopback, loaded offline with slapadd.
#
#   Usage: start-slapd.sh DIR SEED.ldif
#   Env:   PORT=3890 (ldap:// + StartTLS)  TLS_PORT=PORT+1 (ldaps://)  BASE_DN=dc=example,dc=com
#          ADMIN_PW=secret
#   The seed must contain cn=sync,ou=service (unlimited reads) and may contain cn=limited,ou=service,
#   which keeps slapd's default 500-entry size limit, so tests can see a size limit fail cleanly.
#
# Prints shell-style KEY=VALUE lines on stdout; everything else goes to stderr.
# Stop with: kill "$(cat DIR/slapd.pid)"
set -euo pipefail
DIR="$1"; SEED="$2"
PORT="${PORT:-3890}"
TLS_PORT="${TLS_PORT:-$((PORT + 1))}"
BASE_DN="${BASE_DN:-dc=example,dc=com}"
ADMIN_PW="${ADMIN_PW:-secret}"
ROOT_DN="cn=admin,${BASE_DN}"
PATH="/usr/sbin:$PATH"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v slapd >/dev/null 2>&1 || { echo "slapd not installed (test/harness/install-directories.sh)" >&2; exit 2; }

mkdir -p "$DIR/db" "$DIR/run"
"$HERE/mkcert.sh" "$DIR/tls" 127.0.0.1
ADMIN_HASH="$(slappasswd -s "$ADMIN_PW")"

cat >"$DIR/slapd.conf" <<CONF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema

pidfile  $DIR/slapd.pid
argsfile $DIR/slapd.args
modulepath /usr/lib/ldap
moduleload back_mdb
loglevel none
TLSCACertificateFile $DIR/tls/ca.pem
TLSCertificateFile $DIR/tls/server.pem
TLSCertificateKeyFile $DIR/tls/server.key
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read

database mdb
maxsize 1073741824
# throwaway instance: no fsync
dbnosync
suffix  "$BASE_DN"
rootdn  "$ROOT_DN"
rootpw  $ADMIN_HASH
directory $DIR/db
index objectClass eq
index uid,cn,mail eq
index member,uniqueMember,memberUid eq
index entryUUID eq
# First match wins. cn=limited keeps slapd's defaults (size 500; a paged search's total, prtotal,
# defaults to the hard limit) like a production server would; everyone else reads without limits.
limits dn.exact="cn=limited,ou=service,$BASE_DN" size.soft=500 size.hard=500
limits * size.soft=unlimited size.hard=unlimited size.prtotal=unlimited time=unlimited
CONF

slaptest -u -f "$DIR/slapd.conf" >&2 2>/dev/null
slapadd -q -f "$DIR/slapd.conf" -l "$SEED" >&2

slapd -f "$DIR/slapd.conf" -h "ldap://127.0.0.1:${PORT}/ ldaps://127.0.0.1:${TLS_PORT}/" >&2
for _ in $(seq 1 100); do   # bounded: 10 s
  if ldapsearch -x -H "ldap://127.0.0.1:${PORT}" -b "" -s base -LLL namingContexts >/dev/null 2>&1; then break; fi
  sleep 0.1
done
ldapsearch -x -H "ldap://127.0.0.1:${PORT}" -b "" -s base -LLL namingContexts >/dev/null

echo "LDAP_URL=ldap://127.0.0.1:${PORT}"
echo "LDAPS_URL=ldaps://127.0.0.1:${TLS_PORT}"
echo "LDAP_TLS_CA=$DIR/tls/ca.pem"
echo "LDAP_BASE_DN=$BASE_DN"
echo "LDAP_ROOT_DN=$ROOT_DN"
echo "LDAP_ROOT_PW=$ADMIN_PW"
echo "SLAPD_DIR=$DIR"
echo "SLAPD_PID=$(cat "$DIR/slapd.pid")"
