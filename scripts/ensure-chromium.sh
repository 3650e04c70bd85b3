#!/usr/bin/env bash
# Make sure a system Chromium exists for the browser tests (Playwright cannot download one here).
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "${CHROMIUM_PATH}" ]; then exit 0; fi
if [ -x /usr/bin/chromium ]; then exit 0; fi
exec "$(dirname "$0")/apt-install.sh" chromium "the browser tests" \
    "or point CHROMIUM_PATH at a Chromium or Chrome binary"
