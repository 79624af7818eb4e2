"""Print the packages whose locked version differs between two uv.lock files.

    python3 tools/lock_diff.py OLD_LOCK NEW_LOCK
"""

from __future__ import annotations

import sys
import tomllib


def versions(path: str) -> dict[str, str]:
    with open(path, "rb") as fh:
        lock = tomllib.load(fh)
    return {p["name"]: p.get("version", "?") for p in lock.get("package", [])}


def main() -> int:
    old, new = versions(sys.argv[1]), versions(sys.argv[2])
    changed = 0
    for name in sorted(old.keys() | new.keys()):
        a, b = old.get(name, "-"), new.get(name, "-")
        if a != b:
            print(f"  {name}: {a} -> {b}")
            changed += 1
    print(f"  {changed} package(s) changed" if changed else "  nothing changed: already the newest")
    return 0


if __name__ == "__main__":
    sys.exit(main())
