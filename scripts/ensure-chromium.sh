#!/usr/bin/env bash
# Make sure a system Chromium exists for the browser tests (Playwright cannot download one here).
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then exit 0; fi
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q chromium
    exit 0
fi
cat >&2 <<MSG
No Chromium found for the browser tests.
Install one (Debian/Ubuntu: sudo apt-get install chromium) or point CHROMIUM_PATH at a
Chromium or Chrome binary. Without it the browser tests are skipped (and fail when CI=true).
MSG
