#!/usr/bin/env bash
# The OpenID Connect provider the single sign-on tests and `make sso-demo` run: the npm
# package `oidc-provider` (exact versions in tests/sso/package-lock.json), run with the
# machine's Node.js. Installs it under tests/sso/node_modules when missing; fails with
# what to install when Node.js is not there. `make test`, `make sso-demo` and .ci/run call it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../tests/sso"

if [ -d node_modules/oidc-provider ]; then
    exit 0
fi
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing: nodejs npm"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y --no-install-recommends -qq nodejs npm
    else
        echo "Node.js 20 or later is needed for the single sign-on tests: apt-get install nodejs npm" >&2
        exit 1
    fi
fi
npm ci --no-audit --no-fund --loglevel=error
