"""Every character the app can show has a glyph in a bundled font: no empty boxes on a bare machine."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from babel.messages.pofile import read_po
from PySide6.QtGui import QFontDatabase, QRawFont, QTextLayout
from pytestqt.qtbot import QtBot

from familyprivacy import paths
from familyprivacy.i18n import languages
from familyprivacy.ui import fonts


def _raw_fonts() -> list[QRawFont]:
    out = []
    for path in fonts.font_files():
        raw = QRawFont(str(path), 16)
        assert raw.isValid(), path.name
        out.append(raw)
    return out


def _needs_glyph(ch: str) -> bool:
    # Spaces, line breaks and invisible direction marks are laid out, not drawn.
    return not ch.isspace() and unicodedata.category(ch) not in ("Cc", "Cf")


def _texts() -> dict[str, str]:
    texts: dict[str, str] = {}
    for toml in sorted(paths.notices_dir().rglob("*.toml")):
        texts[str(toml)] = toml.read_text("utf-8")
    for po in sorted(paths.translations_dir().rglob("*.po")):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        strings = []
        for message in catalog:
            values = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            strings.extend(str(v) for v in values if v)
        texts[str(po)] = "\n".join(strings)
    texts["language names"] = "".join(
        lang.native_name + lang.english_name
        for lang in languages.all_languages() + languages.pseudo_languages())
    return texts


def missing_glyphs(text: str, raws: list[QRawFont]) -> set[str]:
    return {ch for ch in set(text) if _needs_glyph(ch)
            and not any(raw.supportsCharacter(ord(ch)) for raw in raws)}


def test_every_character_has_a_bundled_glyph(qtbot: QtBot) -> None:
    raws = _raw_fonts()
    texts = _texts()
    assert "language names" in texts
    problems = {where: "".join(sorted(m)) for where, text in texts.items()
                if (m := missing_glyphs(text, raws))}
    assert problems == {}


def test_the_check_can_fail(qtbot: QtBot) -> None:
    # A CJK character has no bundled glyph (no CJK fonts are carried), so the check must see it.
    assert missing_glyphs("家 and ਪੰਜਾਬੀ", _raw_fonts()) == {"家"}


def test_each_script_has_its_family_and_urdu_uses_nastaliq(qtbot: QtBot) -> None:
    registered = set(fonts.register_fonts())
    assert set(fonts.ALL_FAMILIES) <= registered
    assert fonts.families_for("ur")[:2] == ["Noto Sans", "Noto Nastaliq Urdu"]
    assert fonts.families_for("ar")[:2] == ["Noto Sans", "Noto Naskh Arabic"]
    assert "Noto Nastaliq Urdu" not in fonts.families_for("fa")
    # Nastaliq's own line spacing is already tall: never squeezed below it.
    assert fonts.line_height_percent("ur") >= 100
    assert fonts.line_height_percent("bn") > fonts.line_height_percent("en")
    assert "Noto Nastaliq Urdu" in QFontDatabase.families()


def _families_used(text: str, lang: str) -> set[str]:
    layout = QTextLayout(text, fonts.ui_font(lang, 16))
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return {run.rawFont().familyName() for run in layout.glyphRuns()}


def test_each_script_is_set_in_its_own_font(qtbot: QtBot) -> None:
    fonts.register_fonts()
    assert _families_used("اردو", "ur") == {"Noto Nastaliq Urdu"}
    assert _families_used("العربية", "ar") == {"Noto Naskh Arabic"}
    assert _families_used("ਪੰਜਾਬੀ", "pa") == {"Noto Sans Gurmukhi"}
    assert _families_used("ትግርኛ", "ti") == {"Noto Sans Ethiopic"}
    # English inside an Urdu page is set in Noto Sans, the Urdu in Nastaliq.
    assert _families_used("Council اردو", "ur") == {"Noto Sans", "Noto Nastaliq Urdu"}


def test_fonts_carry_their_licence() -> None:
    licence = (paths.fonts_dir() / "OFL.txt").read_text("utf-8")
    assert "SIL Open Font License" in licence or "SIL OPEN FONT LICENSE" in licence
    total = sum(p.stat().st_size for p in fonts.font_files())
    assert total < 6 * 1024 * 1024  # small: no CJK, Regular and Bold only
    assert {Path(p).stem.rsplit("-", 1)[1] for p in fonts.font_files()} == {"Regular", "Bold"}
