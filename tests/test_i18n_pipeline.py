"""The translation pipeline: catalogs compile on first use, stale and broken entries fall back
to English with a reason, hostile catalog files never take the app down."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest

from familyprivacy import i18n
from familyprivacy.content.loader import load_notices
from familyprivacy.content.localize import localize
from familyprivacy.i18n import catalogs
from familyprivacy.i18n.coverage import notice_coverage
from tests.notice_factory import write_notice

HEADER = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: {plural}\\n"

'''
PL_PLURAL = "nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"


def _po(root: Path, lang: str, domain: str, body: str, plural: str = PL_PLURAL) -> Path:
    path = root / lang / "LC_MESSAGES" / f"{domain}.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(plural=plural) + body, "utf-8")
    return path


@pytest.fixture
def translations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "translations"
    root.mkdir()
    monkeypatch.setenv("FAMILYPRIVACY_TRANSLATIONS", str(root))
    catalogs().reload()
    yield root
    catalogs().reload()


def test_content_translated_stale_and_missing(tmp_path: Path, translations: Path) -> None:
    write_notice(tmp_path / "n")
    notice = load_notices([tmp_path / "n"]).notices[0]
    _po(translations, "pl", "content", '''
msgctxt "example/test|notice|title"
msgid "Test notice"
msgstr "Informacja testowa"

#, fuzzy
msgctxt "example/test|section:who-we-are|plain"
msgid "We are the council. We help you."
msgstr "Jesteśmy radą. Stara wersja."

msgctxt "example/test|section:why-we-use-it|plain"
msgid "We are the council. We help you."
msgstr "Jesteśmy radą. Pomagamy wam."
''')
    view = localize(notice, "pl")
    assert (view.title.text, view.title.language, view.title.status) == (
        "Informacja testowa", "pl", "draft")
    stale = view.section("who-we-are").plain
    assert (stale.text, stale.language, stale.status) == (
        "We are the council. We help you.", "en", "stale")
    assert view.section("why-we-use-it").plain.text == "Jesteśmy radą. Pomagamy wam."
    assert view.section("how-to-complain").plain.status == "missing"
    # the fingerprint proves which wording was shown: it differs by language
    assert view.fingerprint != localize(notice, "en").fingerprint
    cov = notice_coverage(notice, "pl")
    assert cov.translated == 2 and len(cov.stale) == 1 and cov.total > 3


def test_placeholder_and_markup_mismatch_rejected(translations: Path) -> None:
    _po(translations, "pl", "familyprivacy", '''
msgid "Content fingerprint: {fingerprint}"
msgstr "Odcisk treści: {odcisk}"

msgid "The council's exact words"
msgstr "<b>Dokładne słowa rady</b>"

msgid "Your choices"
msgstr "Twoje wybory"
''')
    i18n.set_language("pl")
    assert i18n._("Content fingerprint: {fingerprint}") == "Content fingerprint: {fingerprint}"
    assert i18n._("The council's exact words") == "The council's exact words"
    assert i18n._("Your choices") == "Twoje wybory"
    reasons = [p.message for p in catalogs().problems]
    assert any("placeholders differ" in r for r in reasons)
    assert any("markup differs" in r for r in reasons)


def test_arabic_has_six_plural_forms(translations: Path) -> None:
    from familyprivacy.i18n.plural_forms import PLURAL_FORMS

    ar = PLURAL_FORMS["ar"]
    assert ar.forms == 6
    forms = "\n".join(f'msgstr[{i}] "form {i} {{n}}"' for i in range(6))
    _po(translations, "ar", "familyprivacy", f'''
msgid "{{n}} topic"
msgid_plural "{{n}} topics"
{forms}
''', plural=ar.header)
    i18n.set_language("ar")
    index = gettext.c2py(ar.expr)
    got = {n: i18n.ngettext("{n} topic", "{n} topics", n) for n in (0, 1, 2, 3, 11, 100)}
    assert got == {n: f"form {index(n)} {{n}}" for n in got}
    assert len(set(got.values())) == 6


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("garbage", b"\x00\xff\xfe not a po file at all \x00" * 50),
        ("truncated", (HEADER.format(plural=PL_PLURAL) + 'msgid "Your choices"\nmsgstr "Tw').encode()),
        ("wrong encoding", (HEADER.format(plural=PL_PLURAL)
                            + 'msgid "Your choices"\nmsgstr "Twoje wybory \xf3"\n').encode("latin-1")),
        ("hostile plural", HEADER.format(
            plural="nplurals=2; plural=__import__('os').system('echo pwned');").encode()
         + b'msgid "Your choices"\nmsgstr "Twoje wybory"\n'),
    ],
)
def test_broken_catalog_falls_back_to_english_and_app_carries_on(
    translations: Path, name: str, payload: bytes
) -> None:
    path = translations / "pl" / "LC_MESSAGES" / "familyprivacy.po"
    path.parent.mkdir(parents=True)
    path.write_bytes(payload)
    _po(translations, "ro", "familyprivacy", 'msgid "Your choices"\nmsgstr "Alegerile dumneavoastră"\n',
        plural="nplurals=3; plural=(n==1 ? 0 : (n==0 || (n%100 > 0 && n%100 < 20)) ? 1 : 2);")
    i18n.set_language("pl")
    assert i18n._("Your choices") == "Your choices"
    assert catalogs().problems, "a broken catalog must be reported"
    assert all("Twoje" not in str(p) for p in catalogs().problems)
    i18n.set_language("ro")  # another language still works
    assert i18n._("Your choices") == "Alegerile dumneavoastră"


def test_pseudo_locales_keep_placeholders() -> None:
    i18n.set_language("en-XA")
    text = i18n._("Content fingerprint: {fingerprint}")
    assert "{fingerprint}" in text and text != "Content fingerprint: {fingerprint}"
    assert len(text) > len("Content fingerprint: {fingerprint}") * 1.3
    i18n.set_language("ar-XB")
    assert i18n._("Your choices").startswith("\u202b")


def test_cache_follows_the_po_content_not_its_clock(translations: Path) -> None:
    import os

    po = _po(translations, "pl", "familyprivacy", 'msgid "Your choices"\nmsgstr "Twoje wybory"\n')
    i18n.set_language("pl")
    assert i18n._("Your choices") == "Twoje wybory"
    before = po.stat().st_mtime_ns
    po.write_text(po.read_text("utf-8").replace("Twoje wybory", "Państwa wybory"), "utf-8")
    os.utime(po, ns=(before, before))  # an edit that lands with the same timestamp
    catalogs().reload()
    i18n.set_language("pl")
    assert i18n._("Your choices") == "Państwa wybory"
