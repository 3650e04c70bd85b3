#!/usr/bin/env bash
# Make sure PostgreSQL's server binaries (initdb, pg_ctl) exist for the store tests, which start
# a throwaway cluster themselves. Installs Debian's postgresql when run as root and missing.
set -euo pipefail
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then exit 0; fi
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's postgresql for the workshop store tests..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends postgresql
    exit 0
fi
cat >&2 <<MSG
No PostgreSQL server binaries (initdb, pg_ctl) found for the workshop store tests.
Install them (Debian/Ubuntu: sudo apt-get install postgresql) or put their folder on PATH.
Without them the PostgreSQL tests are skipped (and fail when CI=true).
MSG
