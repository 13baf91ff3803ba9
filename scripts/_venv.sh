# Sourced by demo.sh and test.sh: make ./.venv with Python 3.11+, installing Debian's venv
# support first if this is a fresh machine without it.
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        echo "error: '$*' needs root; run it as root, then run this script again" >&2; exit 1; fi
}

python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "error: ssg needs Python 3.11 or newer; python3 is $(python3 --version 2>&1)" >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
    if ! python3 -m venv .venv >/dev/null 2>&1; then
        rm -rf .venv
        echo "Installing Debian's python3-venv (needed for a virtual environment)..." >&2
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 python3-venv >/dev/null
        python3 -m venv .venv
    fi
fi
