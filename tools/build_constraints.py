"""Write the isolated build's hash-pinned requirements into pyproject.toml's [tool.uv] table.

    python3 tools/build_constraints.py BUILD_TXT [PYPROJECT]

BUILD_TXT is what `uv pip compile --generate-hashes` wrote for build-system.requires, constrained
to uv.lock's versions (tools/lock.sh). uv reads build constraints with hashes only from
pyproject.toml (`tool.uv.build-constraint-dependencies`), and `uv sync --require-build-hashes`
then refuses any build requirement, direct or not, that is not pinned here with a matching hash.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

BEGIN = "# BEGIN build constraints: written by tools/lock.sh (make lock / make upgrade); do not edit."
END = "# END build constraints"


def parse(text: str) -> list[tuple[str, list[str]]]:
    """(name==version, [sha256:...]) for each requirement of a hash-pinned requirements file."""
    joined = re.sub(r"\\\n", " ", text)
    out = []
    for line in joined.splitlines():
        line = line.split("#", 1)[0].strip() if not line.lstrip().startswith("--hash") else line.strip()
        if not line:
            continue
        requirement, *options = line.split()
        hashes = [o.removeprefix("--hash=") for o in options if o.startswith("--hash=")]
        if "==" not in requirement or not hashes:
            raise SystemExit(f"not pinned with hashes: {line}")
        out.append((requirement.split(";")[0], hashes))
    return out


def block(pins: list[tuple[str, list[str]]]) -> str:
    lines = [BEGIN, "build-constraint-dependencies = ["]
    for requirement, hashes in pins:
        lines.append(f'    {{ requirement = "{requirement}", hashes = [')
        lines += [f'        "{h}",' for h in hashes]
        lines.append("    ] },")
    lines += ["]", END]
    return "\n".join(lines)


def main() -> int:
    build_txt = Path(sys.argv[1])
    pyproject = Path(sys.argv[2] if len(sys.argv) > 2 else "pyproject.toml")
    text = pyproject.read_text("utf-8")
    new = block(parse(build_txt.read_text("utf-8")))
    if BEGIN in text:
        start, end = text.index(BEGIN), text.index(END) + len(END)
        text = text[:start] + new + text[end:]
    else:
        if "\n[tool.uv]\n" not in text:
            raise SystemExit(f"{pyproject} has no [tool.uv] table to write the build constraints into")
        head, tail = text.split("\n[tool.uv]\n", 1)
        table_end = re.search(r"^\[", tail, re.M)
        cut = table_end.start() if table_end else len(tail)
        table = tail[:cut].rstrip("\n")
        text = f"{head}\n[tool.uv]\n{table}\n{new}\n\n" + tail[cut:].lstrip("\n")
    pyproject.write_text(text, "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
