#!/usr/bin/env bash
# A throwaway single-node Ceph cluster with radosgw on 127.0.0.1:7480, for the S3 tests.
# One mon, one memstore OSD (RAM only), pool size 1, cephx auth, everything under one dir.
#   scripts/services/radosgw.sh start   # idempotent: reuses a gateway already answering
#   scripts/services/radosgw.sh stop    # stops the daemons started from $MVONO_CEPH_DIR
#   scripts/services/radosgw.sh env     # prints the MVONO_TEST_S3_* variables
# Needs the Debian packages: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd
# The keys below are fixed TEST credentials of a loopback-only gateway; they protect nothing.
set -euo pipefail

DIR=${MVONO_CEPH_DIR:-/tmp/mvono-ceph}
PORT=${MVONO_RGW_PORT:-7480}
MON_PORT=${MVONO_CEPH_MON_PORT:-6799}
ACCESS_KEY=MVONOTESTACCESSKEY01
SECRET_KEY=mvono-test-secret-key-not-a-real-secret-0001
FSID=6f1d3c52-2a7e-4b8e-9d55-6a8e2c1f0b11
CONF=$DIR/ceph.conf
CEPH=(ceph -c "$CONF" --connect-timeout 15)

log() { echo "radosgw.sh: $*" >&2; }

answering() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/" 2>/dev/null; }

print_env() {
  echo "MVONO_TEST_S3_ENDPOINT=http://127.0.0.1:$PORT"
  echo "MVONO_TEST_S3_ACCESS_KEY=$ACCESS_KEY"
  echo "MVONO_TEST_S3_SECRET_KEY=$SECRET_KEY"
  echo "MVONO_TEST_S3_REGION=us-east-1"
}

write_conf() {
  cat >"$CONF" <<CONF
[global]
fsid = $FSID
mon host = v1:127.0.0.1:$MON_PORT
mon initial members = a
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $DIR/keyring
run dir = $DIR/run
admin socket = $DIR/run/\$name.asok
pid file = $DIR/run/\$name.pid
log file = $DIR/log/\$name.log
mon data = $DIR/mon/\$cluster-\$id
osd data = $DIR/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = 2147483648
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon max pg per osd = 1000
mon warn on pool no redundancy = false
auth allow insecure global id reclaim = false
ms bind ipv6 = false
debug ms = 0

[osd]
keyring = $DIR/osd/\$cluster-\$id/keyring

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $DIR/rgw
keyring = $DIR/rgw.keyring
rgw crypt require ssl = false
rgw crypt s3 kms backend = testing
rgw crypt s3 kms encryption keys = testkey-1=YmluCmJvb3N0CmJvb3N0LWJ1aWxkCmNlcGguY29uZgo= testkey-2=aWIKTWFrZWZpbGUKbWFuCm91dApzcmMKVGVzdGluZwo=
rgw crypt default encryption key = 4YSmvJtBv0aZ7geVgAsdpRnLBEwWSWlMIGnRS8a9TSA=
CONF
}

ensure_user() {
  if ! radosgw-admin -c "$CONF" user info --uid=test >/dev/null 2>&1; then
    radosgw-admin -c "$CONF" user create --uid=test --display-name="mvono test" \
      --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null
  fi
}

start() {
  if answering; then
    log "reusing the gateway already answering on 127.0.0.1:$PORT"
    [ -f "$CONF" ] && ensure_user
    return 0
  fi
  for b in ceph-mon ceph-osd radosgw ceph-authtool monmaptool; do
    command -v "$b" >/dev/null || { log "$b missing: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd"; exit 3; }
  done
  stop_daemons
  rm -rf "$DIR"
  mkdir -p "$DIR"/{run,log,mon,osd,rgw}
  write_conf
  local t0=$SECONDS
  ceph-authtool --create-keyring "$DIR/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
  ceph-authtool "$DIR/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
    --cap mgr 'allow *' --cap mds 'allow *' >/dev/null
  monmaptool --create --fsid "$FSID" --addv a "[v1:127.0.0.1:$MON_PORT]" "$DIR/monmap" >/dev/null
  ceph-mon -c "$CONF" --mkfs -i a --monmap "$DIR/monmap" --keyring "$DIR/keyring"
  ceph-mon -c "$CONF" -i a
  # OSD: register, make its store and key, import the key, start it.
  local uuid id
  uuid=$(cat /proc/sys/kernel/random/uuid)
  id=$("${CEPH[@]}" osd create "$uuid")
  mkdir -p "$DIR/osd/ceph-$id"
  ceph-osd -c "$CONF" -i "$id" --no-mon-config --mkfs --mkkey --osd-uuid "$uuid" 2>>"$DIR/log/mkfs.log"
  ceph-authtool "$DIR/osd/ceph-$id/keyring" -n "osd.$id" --cap mon 'allow profile osd' --cap mgr 'allow profile osd' \
    --cap osd 'allow *' >/dev/null
  "${CEPH[@]}" auth import -i "$DIR/osd/ceph-$id/keyring" 2>/dev/null
  ceph-osd -c "$CONF" -i "$id"
  # Gateway key and daemon.
  "${CEPH[@]}" auth get-or-create client.rgw.a mon 'allow rw' osd 'allow rwx' mgr 'allow rw' -o "$DIR/rgw.keyring"
  radosgw -c "$CONF" -n client.rgw.a
  local i
  for i in $(seq 1 120); do
    answering && break
    sleep 0.5
  done
  answering || { log "radosgw did not answer on 127.0.0.1:$PORT; see $DIR/log"; exit 1; }
  ensure_user
  log "ceph + radosgw up on 127.0.0.1:$PORT in $((SECONDS - t0)) s (dir $DIR)"
}

stop_daemons() {
  local f pid
  [ -d "$DIR/run" ] || return 0
  for f in "$DIR"/run/client.rgw.a.pid "$DIR"/run/osd.*.pid "$DIR"/run/mon.a.pid; do
    [ -f "$f" ] || continue
    pid=$(cat "$f")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$f"
  done
}

case "${1:-}" in
  start) start; print_env ;;
  stop) stop_daemons; rm -rf "$DIR" ;;
  env) print_env ;;
  *) echo "usage: $0 start|stop|env" >&2; exit 2 ;;
esac
