#!/bin/sh
# The whole test suite: install what the tests need in ./.venv, then run pytest.
# Extra arguments go to pytest, e.g. scripts/test.sh -k seed
set -eu
cd "$(dirname "$0")/.."
. scripts/_venv.sh
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
exec .venv/bin/python -m pytest "$@"
