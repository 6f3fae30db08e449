#!/usr/bin/env bash
# Runs a command with a Secret Service keychain (gnome-keyring under its own D-Bus session),
# the way a headless Linux server provides one. Used by the test runner; on a desktop the
# session's keyring is already there and this script is not needed.
#   scripts/with-keyring.sh <cmd...>
# MVONO_KEYRING_DIR: where the keyring file lives (default: a fresh temp dir, removed afterwards).
set -euo pipefail
if [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] && [ -z "${MVONO_FORCE_KEYRING:-}" ]; then exec "$@"; fi
command -v dbus-run-session >/dev/null || { echo "with-keyring: dbus-run-session missing (apt-get install dbus)" >&2; exit 3; }
command -v gnome-keyring-daemon >/dev/null || { echo "with-keyring: gnome-keyring-daemon missing (apt-get install gnome-keyring)" >&2; exit 3; }
cleanup=""
if [ -z "${MVONO_KEYRING_DIR:-}" ]; then MVONO_KEYRING_DIR=$(mktemp -d); cleanup=$MVONO_KEYRING_DIR; fi
export XDG_DATA_HOME="$MVONO_KEYRING_DIR" MVONO_KEYRING_PASS="${MVONO_KEYRING_PASS:-mvono-keyring}"
status=0
dbus-run-session -- bash -c 'printf %s "$MVONO_KEYRING_PASS" | gnome-keyring-daemon --unlock --components=secrets >/dev/null; unset MVONO_KEYRING_PASS; exec "$@"' with-keyring "$@" 2> >(grep -v "Failed to set fd limit" >&2) || status=$?
[ -n "$cleanup" ] && rm -rf "$cleanup"
exit $status
