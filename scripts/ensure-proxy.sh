#!/usr/bin/env bash
# configurable-http-proxy (npm), the proxy JupyterHub runs, for the JupyterHub test: installed
# with `npm ci` from deploy/jupyterhub's lock file into the folder given (default .venv/proxy),
# never globally. Installs Debian's npm when run as root and missing.
set -euo pipefail
cd "$(dirname "$0")/.."
dest="${1:-.venv/proxy}"
lock=deploy/jupyterhub/package-lock.json
if [ -x "$dest/node_modules/.bin/configurable-http-proxy" ] && cmp -s "$lock" "$dest/package-lock.json"; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's npm for the JupyterHub test..."
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q
        apt-get install -y -q --no-install-recommends nodejs npm
    else
        cat >&2 <<MSG
No npm found to install configurable-http-proxy for the JupyterHub test.
Install Node.js and npm (Debian/Ubuntu: sudo apt-get install npm), then run this script again.
Without it the JupyterHub test is skipped (and fails when CI=true).
MSG
        exit 1
    fi
fi
mkdir -p "$dest"
cp deploy/jupyterhub/package.json "$lock" "$dest/"
# configurable-http-proxy 5.3 asks for node 22 but runs on node 20 (an EBADENGINE warning only).
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error)
