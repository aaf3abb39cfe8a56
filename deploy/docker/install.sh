#!/bin/sh
# The container image's Python install steps, in one place: the Dockerfile runs them and
# tests/deploy/test_image_install.py runs exactly the same commands in a fresh venv (Docker
# cannot run on the CI machines).
#
#   install.sh wheels SRC WHEELS    build kubedrift (from the source tree SRC) and every
#                                   dependency of kubedrift[all] as wheels into WHEELS
#   install.sh install WHEELS VENV  create the venv VENV and install kubedrift[all] into it from
#                                   WHEELS only (no index): what was built is what ships
#
# PYTHON names the interpreter (default: python, the image's).
set -eu

PYTHON="${PYTHON:-python}"
EXTRAS="all"

usage() {
  echo "usage: install.sh wheels SRC WHEELS | install.sh install WHEELS VENV" >&2
  exit 2
}

[ "$#" -eq 3 ] || usage
case "$1" in
  wheels)
    "${PYTHON}" -m pip wheel --no-cache-dir --wheel-dir "$3" "$2[${EXTRAS}]"
    ;;
  install)
    "${PYTHON}" -m venv "$3"
    # Byte-code is compiled here (pip's default): the root filesystem is read-only at run time.
    "$3/bin/python" -m pip install --no-cache-dir --no-index --find-links "$2" \
      "kubedrift[${EXTRAS}]"
    "$3/bin/kubedrift" --version
    ;;
  *)
    usage
    ;;
esac
