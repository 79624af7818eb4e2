"""Babel is loaded only when needed: English start-up and a warm translated catalog do without it,
and the Babel-free .mo reader reads what Babel's compiler writes exactly as Babel's reader does."""

from __future__ import annotations

import gettext
import os
import struct
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from familyprivacy import i18n, paths
from familyprivacy.i18n import catalogs
from familyprivacy.i18n.catalogs import read_mo
from familyprivacy.i18n.compile import compile_po, plural_rule
from tests.waiting import HANG_GUARD

ROOT = Path(__file__).resolve().parent.parent

NO_BABEL = '''
import sys
from familyprivacy import i18n
from familyprivacy.i18n import languages
i18n.set_language({lang!r})
assert i18n._("Family Privacy")
assert len(languages.all_languages()) > 10
assert languages.is_rtl("ar") and not languages.is_rtl("pl")
loaded = sorted(m for m in sys.modules if m == "babel" or m.startswith("babel."))
assert not loaded, loaded
assert not i18n.catalogs().problems, i18n.catalogs().problems
print("no babel")
'''


def _run(script: str, cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FAMILYPRIVACY_CACHE_DIR": str(cache)}
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=HANG_GUARD)


@pytest.mark.parametrize("lang", ["en", "pl"])
def test_start_up_imports_no_babel_once_caches_are_warm(tmp_path: Path, lang: str) -> None:
    script = NO_BABEL.format(lang=lang)
    _run(script, tmp_path / "cache")  # the first run may build the name cache and compile catalogs
    second = _run(script, tmp_path / "cache")
    assert second.returncode == 0 and "no babel" in second.stdout, second.stderr


def _source_catalogs() -> list[Path]:
    return sorted((ROOT / "translations").glob("*/LC_MESSAGES/*.po"))


@pytest.mark.parametrize("po", _source_catalogs(), ids=lambda p: f"{p.parts[-3]}-{p.stem}")
def test_mo_reader_matches_babel(tmp_path: Path, po: Path) -> None:
    from babel.messages.mofile import read_mo as babel_read_mo

    lang = po.parts[-3]
    mo = tmp_path / "out.mo"
    compile_po(po, mo, lang)
    headers, entries = read_mo(mo.read_bytes())
    ours = {(e.context, e.ids): e.strings for e in entries}
    with mo.open("rb") as fh:
        theirs = {}
        for m in babel_read_mo(fh):
            if not m.id:
                continue
            ids = tuple(m.id) if isinstance(m.id, (list, tuple)) else (m.id,)
            strings = tuple(m.string) if isinstance(m.string, (list, tuple)) else (m.string,)
            context = m.context.decode() if isinstance(m.context, bytes) else m.context
            theirs[(context, ids)] = strings
    assert ours == theirs
    # The header carries CLDR's rule, so reading it needs no Babel.
    plurals, expr = plural_rule(lang)
    assert headers["plural-forms"] == f"nplurals={plurals}; plural={expr};"


@pytest.fixture
def translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    root = tmp_path / "translations"
    (root / "pl" / "LC_MESSAGES").mkdir(parents=True)
    monkeypatch.setenv("FAMILYPRIVACY_TRANSLATIONS", str(root))
    catalogs().reload()
    yield root
    catalogs().reload()


PL_FILES = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=3; plural={expr};\\n"

msgid "{{n}} file"
msgid_plural "{{n}} files"
msgstr[0] "{{n}} plik"
msgstr[1] "{{n}} pliki"
msgstr[2] "{{n}} plików"

msgctxt "button"
msgid "Open"
msgstr "Otwórz"
'''


def test_plural_rule_is_cldrs_even_when_the_po_header_differs(translations: Path) -> None:
    # Three forms as CLDR has for Polish, but a rule of the translator's own: CLDR's is used.
    po = translations / "pl" / "LC_MESSAGES" / "familyprivacy.po"
    po.write_text(PL_FILES.format(expr="(n==1 ? 0 : n<5 ? 1 : 2)"), "utf-8")
    i18n.set_language("pl")
    assert i18n.ngettext("{n} file", "{n} files", 1) == "{n} plik"
    assert i18n.ngettext("{n} file", "{n} files", 22) == "{n} pliki"  # CLDR: 22 takes the "few" form
    assert i18n.ngettext("{n} file", "{n} files", 5) == "{n} plików"
    assert i18n.pgettext("button", "Open") == "Otwórz"


def _compiled(translations: Path) -> Path:
    po = translations / "pl" / "LC_MESSAGES" / "familyprivacy.po"
    po.write_text(PL_FILES.format(expr="(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)"),
                  "utf-8")
    i18n.set_language("pl")
    assert i18n.pgettext("button", "Open") == "Otwórz"
    i18n.set_language("en")
    catalogs().reload()
    return paths.cache_dir() / "catalogs" / "pl" / "familyprivacy.mo"


def _hostile_plural_mo() -> bytes:
    import io

    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    catalog = Catalog(locale="pl")
    catalog.mime_headers = [("Plural-Forms", "nplurals=3; plural=__import__('os')._exit(3);")]
    catalog.add(("{n} file", "{n} files"), ("{n} plik", "{n} pliki", "{n} plików"))
    catalog.add("Open", "Otwórz", context="button")
    out = io.BytesIO()
    write_mo(out, catalog)
    assert b"_exit" in out.getvalue()
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("hostile plural in the .mo", _hostile_plural_mo()),
        ("truncated", b"\xde\x12\x04\x95" + struct.pack("<4I", 0, 5, 28, 68)),
        ("offsets past the end", b"\xde\x12\x04\x95" + struct.pack("<6I", 0, 1, 20, 20, 99, 99)),
        ("not a .mo", b"garbage" * 10),
    ],
)
def test_hostile_compiled_catalog_falls_back_to_english(translations: Path, name: str,
                                                        payload: bytes) -> None:
    _compiled(translations)
    # A .mo in the translations folder newer than its .po is used as it is, as an installed one is.
    shipped = translations / "pl" / "LC_MESSAGES" / "familyprivacy.mo"
    shipped.write_bytes(payload)
    later = shipped.stat().st_mtime + 10
    os.utime(shipped, (later, later))
    i18n.set_language("pl")
    assert i18n.pgettext("button", "Open") == "Open"
    assert i18n.ngettext("{n} file", "{n} files", 3) == "{n} files"
    assert any("corrupt or unsafe" in str(p) for p in catalogs().problems)


def test_catalogs_compiled_by_the_previous_compiler_are_rebuilt(translations: Path) -> None:
    mo = _compiled(translations)
    stamp = mo.with_name(mo.name + ".source")
    stamp.write_text(stamp.read_text("ascii").split()[0], "ascii")  # a stamp without the compiler
    mo.write_bytes(b"stale")
    i18n.set_language("pl")
    assert i18n.pgettext("button", "Open") == "Otwórz"
    assert not catalogs().problems
    assert gettext.GNUTranslations(mo.open("rb")).pgettext("button", "Open") == "Otwórz"
