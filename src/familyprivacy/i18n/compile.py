"""Compile .po catalogs (the source of truth) into .mo files plus a status index.

A .mo file cannot say which entries are stale (fuzzy) or which a qualified
translator has reviewed, so each compiled catalog gets a small JSON sidecar
with that state. Used at wheel build time and, for a source checkout, on first
use into the cache directory.

Babel is imported only inside the functions that need it: the app reads compiled
catalogs without it, and start-up must not pay for its import.
"""

from __future__ import annotations

import gettext
import hashlib
import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from familyprivacy.i18n.plural_forms import babel_rule, project_rule

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

REVIEWED_MARK = "reviewed"
# Part of every stamp: bump it when what compile_po writes changes, so cached catalogs are rebuilt.
# 2: the .mo header's Plural-Forms is CLDR's rule, which the app reads instead of asking Babel.
# 3: ... the project's own rule (plural_forms.py), whatever Babel is installed.
COMPILER_VERSION = 3


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


def plural_rule(lang: str) -> tuple[int, str]:
    """(number of forms, C expression): the project's rule for ``lang`` (``plural_forms``).

    A language the project has no rule for (a catalog just started) takes the installed
    Babel's CLDR rule until one is written down; ``familyprivacy check`` says so.
    """
    rule = project_rule(lang) or babel_rule(lang)
    return rule.forms, rule.expr


_PO_LINE = re.compile(
    r'^(?:#.*|\s*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(?:[^"\\]|\\.)*"\s*'
    r'|"(?:[^"\\]|\\.)*"\s*)$'
)


def lint_po(text: str) -> None:
    """Babel's reader forgives truncation; a translator's file must not be half read."""
    last = ""
    for number, line in enumerate(text.splitlines(), start=1):
        if not _PO_LINE.match(line):
            raise ValueError(f"line {number} is not valid .po syntax (truncated or damaged?)")
        if line.startswith("msg"):
            last = line.split()[0]
    if last and not last.startswith("msgstr"):
        raise ValueError("the file ends in the middle of an entry (truncated?)")


def check_plural_header(text: str, lang: str) -> None:
    """The catalog's Plural-Forms must be safe to read and have the project's number of forms."""
    found = re.search(r'"Plural-Forms:\s*((?:[^"\\]|\\[^n])*)', text)
    if not found:
        return
    header = found.group(1)
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*", header)
    if not match:
        raise ValueError("its Plural-Forms header is not of the form 'nplurals=N; plural=EXPR;'")
    try:
        gettext.c2py(match.group(2))
    except (ValueError, SyntaxError, RecursionError):
        raise ValueError("its Plural-Forms expression is not a valid plural rule") from None
    expected, _ = plural_rule(lang)
    if int(match.group(1)) != expected:
        raise ValueError(f"its Plural-Forms has {match.group(1)} forms; {lang} has {expected} in this "
                         f"project's rules (src/familyprivacy/i18n/plural_forms.py; `make po` migrates)")


def source_stamp(raw: bytes) -> str:
    """What a compiled catalog was built from: the SHA-256 of the .po bytes, and the compiler's version."""
    return f"{hashlib.sha256(raw).hexdigest()} v{COMPILER_VERSION}"


def stamp_path(mo_path: Path) -> Path:
    return mo_path.with_name(mo_path.name + ".source")


def compile_po(po_path: Path, mo_path: Path, lang: str | None = None, raw: bytes | None = None) -> None:
    """Write ``mo_path`` and ``mo_path`` + ``.status.json`` from ``po_path``.

    Raises on a truncated, mis-encoded or otherwise invalid catalog, or an unsafe plural rule.
    The .mo's Plural-Forms header is always the project's rule for ``lang`` (the one the .po's
    header was checked against), so a reader needs neither Babel nor trust in the translator's header.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    lang = lang or po_path.parent.parent.name
    raw = po_path.read_bytes() if raw is None else raw
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ValueError(f"line {line} is not UTF-8 (save the catalog as UTF-8)") from None
    lint_po(text)
    check_plural_header(text, lang)
    catalog = read_po(io.BytesIO(raw), abort_invalid=True)
    plurals, expr = plural_rule(lang)
    catalog.mime_headers = [("Plural-Forms", f"nplurals={plurals}; plural={expr};")]
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = mo_path.with_suffix(".mo.tmp")
    with tmp.open("wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)
    tmp.replace(mo_path)
    status = mo_path.with_name(mo_path.name + ".status.json")
    status.write_text(json.dumps(status_index(catalog), ensure_ascii=False, sort_keys=True), "utf-8")
    stamp_path(mo_path).write_text(source_stamp(raw), "ascii")


def compile_tree(po_root: Path, out_root: Path) -> list[Path]:
    """Compile every ``<lang>/LC_MESSAGES/*.po`` under ``po_root`` into ``out_root``."""
    written = []
    for po_path in sorted(po_root.glob("*/LC_MESSAGES/*.po")):
        mo_path = out_root / po_path.relative_to(po_root).with_suffix(".mo")
        compile_po(po_path, mo_path)
        written.append(mo_path)
    return written
