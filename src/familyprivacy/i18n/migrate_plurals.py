"""Move catalogs to the project's plural rules (``plural_forms.py``): part of ``make po`` (po_update).

For each ``<lang>/LC_MESSAGES/*.po`` whose ``Plural-Forms`` header differs from the
project's rule, the header is rewritten and every plural entry's forms are carried
over: a new form takes the old form that the same numbers used to pick, when exactly
one did (or all that did say the same). An entry that gains a form nobody translated,
or whose old forms disagree for a new one, is marked fuzzy with its best guess filled in,
so the app shows English for it until a translator checks it and removes the mark.
"""

from __future__ import annotations

import gettext
import io
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

from familyprivacy.i18n.plural_forms import SAMPLE_NUMBERS, PluralRule, project_rule

_HEADER = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*")


def form_sources(old: PluralRule, new: PluralRule) -> list[set[int]]:
    """For each new form, the old forms that the numbers now picking it used to pick."""
    pick_old, pick_new = gettext.c2py(old.expr), gettext.c2py(new.expr)
    sources: list[set[int]] = [set() for _ in range(new.forms)]
    for n in SAMPLE_NUMBERS:
        sources[pick_new(n)].add(pick_old(n))
    return sources


def migrate_strings(strings: tuple[str, ...], sources: list[set[int]],
                    grew: bool) -> tuple[tuple[str, ...], bool]:
    """The entry's forms under the new rule, and whether a translator must check them."""
    out, check = [], grew
    for olds in sources:
        candidates = {strings[i] for i in olds if i < len(strings)}
        if len(candidates) == 1:
            out.append(candidates.pop())
        else:  # a new form, or old forms that disagree: best guess, to be checked
            check = True
            out.append(strings[min(olds)] if olds and min(olds) < len(strings) else strings[-1])
    return tuple(out), check


def read_catalog(po_path: Path) -> Catalog:
    from babel.messages.pofile import read_po

    return read_po(io.BytesIO(po_path.read_bytes()), abort_invalid=True)


def write_catalog(po_path: Path, catalog: Catalog) -> None:
    """In the layout `make po` writes: no wrapping (Babel documents width=None; its stub says int)."""
    from babel.messages.pofile import write_po

    out = io.BytesIO()
    write_po(out, catalog, width=None, ignore_obsolete=True)  # type: ignore[arg-type]
    po_path.write_bytes(out.getvalue())


def migrate_catalog(po_path: Path, lang: str) -> int | None:
    """Rewrite ``po_path`` for the project's rule; the number of entries marked fuzzy (None: unchanged)."""
    new = project_rule(lang)
    if new is None:
        return None
    catalog = read_catalog(po_path)
    header = _HEADER.fullmatch(dict(catalog.mime_headers).get("Plural-Forms", "") or "")
    old = PluralRule(int(header.group(1)), header.group(2), new.locale) if header else None
    if old is not None and old.forms == new.forms and old.expr == new.expr:
        return None
    sources = form_sources(old, new) if old else [{i} for i in range(new.forms)]
    grew = old is not None and new.forms > old.forms
    marked = 0
    for message in catalog:
        if not message.id or not isinstance(message.id, (tuple, list)):
            continue
        raw = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        strings = tuple(s or "" for s in raw)
        if not any(strings):
            message.string = ("",) * new.forms
            continue
        message.string, check = migrate_strings(strings, sources, grew)
        if check and not message.fuzzy:
            message.flags.add("fuzzy")
            marked += 1
    catalog.mime_headers = [*((k, v) for k, v in catalog.mime_headers if k.lower() != "plural-forms"),
                            ("Plural-Forms", new.header)]
    write_catalog(po_path, catalog)
    return marked


if __name__ == "__main__":
    from familyprivacy.i18n.po_update import main

    sys.exit(main())
