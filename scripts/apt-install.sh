#!/usr/bin/env bash
# apt-install.sh [--no-install-recommends] PACKAGE PURPOSE [HINT]: install Debian's PACKAGE for
# PURPOSE (e.g. "the browser tests") when run as root with apt-get; otherwise say how to get it,
# and that without it those tests are skipped (and fail when CI=true). The ensure-*.sh scripts
# call this once they found nothing installed.
set -euo pipefail
options=()
if [ "${1:-}" = --no-install-recommends ]; then options+=("$1"); shift; fi
package=$1 purpose=$2 hint=${3:-}
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's $package for $purpose..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q "${options[@]}" "$package"
    exit 0
fi
cat >&2 <<MSG
No $package found for $purpose.
Install it (Debian/Ubuntu: sudo apt-get install $package)${hint:+ $hint}.
Without it $purpose are skipped (and fail when CI=true).
MSG
