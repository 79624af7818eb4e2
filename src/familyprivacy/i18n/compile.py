"""Compile .po catalogs (the source of truth) into .mo files plus a status index.

A .mo file cannot say which entries are stale (fuzzy) or which a qualified
translator has reviewed, so each compiled catalog gets a small JSON sidecar
with that state. Used at wheel build time and, for a source checkout, on first
use into the cache directory.
"""

from __future__ import annotations

import json
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

REVIEWED_MARK = "reviewed"


def _key(message_id: object, context: str | None) -> str:
    msgid = str(message_id[0]) if isinstance(message_id, (tuple, list)) else str(message_id)
    return f"{context}\x04{msgid}" if context else msgid


def status_index(catalog: Catalog) -> dict[str, str]:
    """Map each entry to ``stale``, ``reviewed`` or ``draft`` (untranslated entries are absent)."""
    index: dict[str, str] = {}
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not any(strings):
            continue
        key = _key(message.id, message.context)
        if message.fuzzy:
            index[key] = "stale"
        elif any(c.strip().lower().startswith(REVIEWED_MARK) for c in message.user_comments):
            index[key] = "reviewed"
        else:
            index[key] = "draft"
    return index


def compile_po(po_path: Path, mo_path: Path) -> None:
    """Write ``mo_path`` and ``mo_path`` + ``.status.json`` from ``po_path``."""
    with po_path.open("rb") as fh:
        catalog = read_po(fh, abort_invalid=False)
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = mo_path.with_suffix(".mo.tmp")
    with tmp.open("wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)
    tmp.replace(mo_path)
    status = mo_path.with_name(mo_path.name + ".status.json")
    status.write_text(json.dumps(status_index(catalog), ensure_ascii=False, sort_keys=True), "utf-8")


def compile_tree(po_root: Path, out_root: Path) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/*.po`` under ``po_root`` into ``out_root``."""
    written = []
    for po_path in sorted(po_root.glob("*/LC_MESSAGES/*.po")):
        mo_path = out_root / po_path.relative_to(po_root).with_suffix(".mo")
        compile_po(po_path, mo_path)
        written.append(mo_path)
    return written
