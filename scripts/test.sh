#!/bin/sh
# The whole test suite: install what the tests need (Python packages in ./.venv, Debian's chromium
# for the browser tests, axe-core from npm for the accessibility test), then run pytest. Extra
# arguments go to pytest: scripts/test.sh -k seed
set -eu
cd "$(dirname "$0")/.."
. scripts/_venv.sh
if [ ! -x /usr/bin/chromium ]; then
    echo "Installing Debian's chromium for the browser tests..." >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 chromium >/dev/null
fi
if ! command -v npm >/dev/null; then
    echo "Installing Debian's npm (for axe-core, the accessibility checker)..." >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 npm >/dev/null
fi
# axe-core for the accessibility tests, at the version package-lock.json pins.
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --silent
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
exec .venv/bin/python -m pytest "$@"
