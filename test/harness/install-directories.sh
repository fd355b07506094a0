#!/usr/bin/env bash
# Install the real directory servers the LDAP integration tests run against (Debian bookworm):
# OpenLDAP slapd + ldap-utils, and Samba as an Active Directory DC. No service is started by the
# packages (no systemd in CI); test/harness/directories.setup.ts starts throwaway instances.
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update
# openssl (test certificates) and iproute2 (`ip`, used to check the DC's address) may be missing on a slim image.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y slapd ldap-utils samba samba-ad-dc samba-ad-provision openssl iproute2
