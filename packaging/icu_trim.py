"""A smaller ICU data library for the Linux bundle: Qt's wheel ships all of ICU's data (31 MB).

Qt uses ICU for collation, case mapping, normalisation, IDNA and a few text
encodings; it keeps its own CLDR tables for locale names, numbers and dates,
and does its own line and word breaking. So the display names of languages,
regions, currencies, units and time zones, spell-out rules, transliterators,
break rules and dictionaries and legacy code pages are dropped, and what Qt
calls (case mapping, collation, time zone ids) stays. The data is cut with
ICU's own ``icupkg`` and linked back into a library with the same name and
symbol. Without ``icupkg`` or a C compiler the bundle simply keeps the full library.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

# Item folders and files Qt never reads: QtCore calls ICU only for case mapping, collation,
# code page conversion and time zone ids (see ``nm -D libQt6Core.so.6 | grep _73``).
DROPPED_FOLDERS = ("curr/", "lang/", "region/", "unit/", "zone/", "rbnf/", "translit/", "brkitr/")
DROPPED_FILES = re.compile(r"^(?!(?:cnvalias|icu-internal)).*\.cnv$")  # legacy code pages; UTF-8 is built in


def can_trim() -> bool:
    return all(shutil.which(tool) for tool in ("icupkg", "cc", "readelf"))


def dropped(items: list[str]) -> list[str]:
    return [i for i in items if i.startswith(DROPPED_FOLDERS) or DROPPED_FILES.match(i)]


def _data_symbol(library: Path) -> tuple[str, int, int]:
    """(symbol, file offset, size) of the ``icudtNN_dat`` blob in the library."""
    symbols = subprocess.run(["readelf", "-W", "--dyn-syms", str(library)], check=True,
                             capture_output=True, text=True).stdout
    found = re.search(r"([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\w+\s+(\d+)\s+(icudt\d+_dat)\b",
                      symbols)
    if not found:
        raise ValueError(f"{library}: no ICU data symbol")
    address, size, section, name = int(found.group(1), 16), int(found.group(2), 0), int(found.group(3)), \
        found.group(4)
    sections = subprocess.run(["readelf", "-W", "-S", str(library)], check=True, capture_output=True,
                              text=True).stdout
    for line in sections.splitlines():
        match = re.match(r"\s*\[\s*(\d+)\]\s+\S+\s+\S+\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if match and int(match.group(1)) == section:
            return name, address - int(match.group(2), 16) + int(match.group(3), 16), size
    raise ValueError(f"{library}: section {section} of the ICU data not found")


def trim(library: Path, work: Path) -> tuple[Path, int, int]:
    """Write the trimmed library into ``work``; returns (path, items kept, items dropped)."""
    work.mkdir(parents=True, exist_ok=True)
    symbol, offset, size = _data_symbol(library)
    package = "icudt" + re.sub(r"\D", "", symbol) + "l"
    full = work / f"{package}.dat"
    with library.open("rb") as fh:
        fh.seek(offset)
        full.write_bytes(fh.read(size))
    items = subprocess.run(["icupkg", "-l", str(full)], check=True, capture_output=True,
                           text=True).stdout.split()
    drop = dropped(items)
    (work / "drop.txt").write_text("\n".join(drop) + "\n")
    small = work / "small" / f"{package}.dat"
    small.parent.mkdir(exist_ok=True)
    subprocess.run(["icupkg", "-r", str(work / "drop.txt"), str(full), str(small)], check=True,
                   capture_output=True)
    asm = work / "icudata.S"
    asm.write_text(
        f'.section .rodata\n.globl {symbol}\n.type {symbol}, @object\n.balign 16\n{symbol}:\n'
        f'.incbin "{small}"\n.size {symbol}, .-{symbol}\n.section .note.GNU-stack,"",@progbits\n')
    out = work / "lib" / library.name
    out.parent.mkdir(exist_ok=True)
    subprocess.run(["cc", "-shared", "-nostdlib", f"-Wl,-soname,{library.name}", "-o", str(out), str(asm)],
                   check=True)
    return out, len(items) - len(drop), len(drop)
