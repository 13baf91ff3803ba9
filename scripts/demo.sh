#!/bin/sh
# The demo: install ssg in ./.venv, import the bundled WordPress data, build, and serve the archive
# on http://127.0.0.1:8000/ (Ctrl-C stops it).
set -eu
cd "$(dirname "$0")/.."
. scripts/_venv.sh
.venv/bin/python -m pip install --quiet --disable-pip-version-check .
.venv/bin/ssg import examples/wordpress
exec .venv/bin/ssg serve "$@"
