#!/bin/sh
# Write the lock: uv.lock (every dependency of the app, its tests, its server and its bundle, with
# hashes) and pyproject.toml's build constraints (the isolated build's requirements, hash-pinned to
# the same versions; uv reads them only from there). `make lock` keeps every version it can (after a change to pyproject.toml);
# `make upgrade` passes --upgrade, moving every version to the newest, uv's own included.
#   tools/lock.sh UV [--upgrade]
set -eu
UV=$1
shift
cd "$(dirname "$0")/.."
"$UV" lock "$@"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The versions the lock chose, as constraints, so the build uses exactly those.
"$UV" export --frozen --all-extras --no-emit-project --no-hashes --format requirements-txt \
  --no-header -q -o "$tmp/locked.txt"
# build-system.requires, read from pyproject.toml (one name per line for uv pip compile).
"${PYTHON:-python3}" - > "$tmp/build.in" <<'PY'
import tomllib
for req in tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"]:
    print(req)
print("editables")  # what hatchling asks for besides, to build the editable install of make run/test
PY
"$UV" pip compile "$tmp/build.in" -c "$tmp/locked.txt" --universal --python-version 3.11 \
  --generate-hashes --no-annotate --no-header -q -o "$tmp/build.txt"
"${PYTHON:-python3}" tools/build_constraints.py "$tmp/build.txt" pyproject.toml
# Once more, so uv.lock records the build constraints just written (no version moves).
"$UV" lock
# uv itself, hash-pinned: the one thing installed before the lock can be read.
if [ "${1:-}" = "--upgrade" ]; then
  echo uv > "$tmp/uv.in"
  "$UV" pip compile "$tmp/uv.in" --universal --python-version 3.11 --generate-hashes --no-annotate --no-header \
    -q -o "$tmp/uv.txt"
  {
    echo "# uv, hash-pinned: the installer every make target uses to install from uv.lock."
    echo "# Written by tools/lock.sh (make upgrade); do not edit by hand."
    cat "$tmp/uv.txt"
  } > requirements/uv.txt
fi
