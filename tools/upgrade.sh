#!/bin/sh
# Move the lock to the newest versions of everything, on purpose, and only if the whole suite
# passes with them (README, "The lock").
#   tools/upgrade.sh UV           keep the new lock if `make test` passes; else put the old one back
#   tools/upgrade.sh UV --check   run the suite on the newest versions, then always put the old lock back
set -eu
UV=$1
MODE=${2:-}
cd "$(dirname "$0")/.."
FILES="uv.lock pyproject.toml requirements/uv.txt"
saved=$(mktemp -d)
for f in $FILES; do mkdir -p "$saved/$(dirname "$f")"; cp "$f" "$saved/$f"; done
restore() {
  for f in $FILES; do cp "$saved/$f" "$f"; done
}
sh tools/lock.sh "$UV" --upgrade
echo "== What the newest versions change:"
python3 tools/lock_diff.py "$saved/uv.lock" uv.lock
if make --no-print-directory test; then
  if [ "$MODE" = "--check" ]; then
    restore
    echo "== upgrade-check: the whole suite PASSED on the newest versions; the lock is unchanged."
  else
    echo "== upgrade: the whole suite passed; the lock has moved. Review and commit: $FILES"
  fi
  rm -rf "$saved"
  exit 0
fi
restore
rm -rf "$saved"
echo "== upgrade: the whole suite FAILED on the newest versions (above); the lock is unchanged." >&2
echo "   Fix what broke (or exclude the bad version in pyproject.toml), then run make upgrade again." >&2
exit 1
