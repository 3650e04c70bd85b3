#!/usr/bin/env bash
# Make sure nginx exists for the reverse-proxy test (two workshop servers behind it), which
# starts its own unprivileged nginx in a temp dir. Installing Debian's package in a container
# starts no server by itself.
set -euo pipefail
if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then exit 0; fi
exec "$(dirname "$0")/apt-install.sh" --no-install-recommends nginx "the reverse-proxy tests"
