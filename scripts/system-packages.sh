#!/usr/bin/env bash
# The Debian packages the app needs beside Python: `run` (WeasyPrint's Pango, HarfBuzz,
# fontconfig and a fallback font; xmlsec1 for SAML signatures) or `test` (those, and Chromium for the browser tests).
# Installs what is missing when run as root with apt-get (a fresh machine, CI); otherwise
# says what to install and fails, so `make run` / `make test` never half-work.
set -euo pipefail

purpose="${1:-run}"
# xmlsec1: pysaml2 checks the signatures of SAML single sign-on with it.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1
    fonts-dejavu-core xmlsec1)

installed() {
    [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "system-packages: not a Debian-like system; make sure Pango (for WeasyPrint)" \
        "and, for the tests, Chromium at /usr/bin/chromium are installed." >&2
    exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
    installed "$pkg" || missing+=("$pkg")
done
if [ "$purpose" = "test" ] && [ ! -x /usr/bin/chromium ]; then
    missing+=(chromium)
fi

if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y --no-install-recommends -qq "${missing[@]}"
    exit 0
fi
echo "Missing system packages: ${missing[*]}" >&2
echo "Install them with: sudo apt-get install --no-install-recommends ${missing[*]}" >&2
exit 1
