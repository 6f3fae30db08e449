#!/usr/bin/env bash
# Debian packages the test suite (and the headless console) needs. Idempotent; run as root.
#   chromium: the console's end-to-end tests; radosgw ceph-mon ceph-osd: a real S3 server;
#   gnome-keyring dbus: the OS keychain on a headless machine; restic: benchmark peer;
#   postgresql-client mariadb-client: pg_dump/pg_restore/mariadb-dump for database backups.
set -euo pipefail
PKGS=(chromium radosgw ceph-mon ceph-osd gnome-keyring dbus restic postgresql-client mariadb-client time)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 3
fi
echo "Installing Debian packages: ${missing[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
