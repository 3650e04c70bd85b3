#!/usr/bin/env bash
# Make sure PostgreSQL's server binaries (initdb, pg_ctl) exist for the store tests, which start
# a throwaway cluster themselves. Installs Debian's postgresql when run as root and missing.
set -euo pipefail
if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then exit 0; fi
if compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then exit 0; fi
exec "$(dirname "$0")/apt-install.sh" --no-install-recommends postgresql "the PostgreSQL store tests" \
    "or put the folder of initdb and pg_ctl on PATH"
