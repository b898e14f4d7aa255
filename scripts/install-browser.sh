#!/bin/sh
# Install Debian's Chromium for the browser tests (tests/test_browser.py), if it is missing.
# Idempotent: does nothing when /usr/bin/chromium exists. Uses sudo only when not root.
# Playwright's own browser download ("playwright install") is not used: Debian's package
# is what the tests drive (executable_path=/usr/bin/chromium).
set -eu

if [ -x /usr/bin/chromium ]; then
    echo "chromium: already installed ($(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium))"
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium: /usr/bin/chromium is missing and apt-get is not available;" >&2
    echo "install Chromium by hand (the browser tests are skipped without it)" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "chromium: not root and no sudo; run as root: apt-get install -y chromium" >&2
    exit 1
fi

$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium
/usr/bin/chromium --version
