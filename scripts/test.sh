#!/bin/sh
# The whole test suite: install what the tests need (Python packages in ./.venv, Debian's chromium
# for the browser tests), then run pytest. Extra arguments go to pytest: scripts/test.sh -k seed
set -eu
cd "$(dirname "$0")/.."
. scripts/_venv.sh
if [ ! -x /usr/bin/chromium ]; then
    echo "Installing Debian's chromium for the browser tests..." >&2
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 chromium >/dev/null
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
exec .venv/bin/python -m pytest "$@"
