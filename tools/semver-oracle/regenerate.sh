#!/usr/bin/env bash
# Regenerate tests/unit/data/masterminds_v3_4_0.json from cases.json with the real Go library.
#
# Needs Go >= 1.19 (Debian 12: apt-get install golang-go). Works offline: the library is
# built from sources in work/semver (git-ignored), never from the module proxy.
#   SEMVER_SRC=/path/to/semver/checkout ./regenerate.sh   # use a local clone
#   ./regenerate.sh                                        # clone from GitHub
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${HERE}/../.." && pwd)"
TAG="v3.4.0"
OUT="${ROOT}/tests/unit/data/masterminds_v3_4_0.json"
SRC="${SEMVER_SRC:-https://github.com/Masterminds/semver.git}"

cd "${HERE}"
mkdir -p work
if [ ! -d work/semver/.git ]; then
  git clone --quiet "${SRC}" work/semver
fi
git -C work/semver checkout --quiet "${TAG}"
COMMIT="$(git -C work/semver rev-parse HEAD)"

python3 make_cases.py
export GOFLAGS=-mod=mod GOPROXY=off GOTOOLCHAIN=local
export GOCACHE="${GOCACHE:-${HERE}/work/gocache}" GOPATH="${GOPATH:-${HERE}/work/gopath}"
go build -o work/semver-oracle .
./work/semver-oracle -cases cases.json -tag "${TAG}" -commit "${COMMIT}" > "${OUT}.tmp"
mv "${OUT}.tmp" "${OUT}"
echo "wrote ${OUT} ($(go version))"
