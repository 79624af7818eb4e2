"""The bundled Noto fonts, registered at start so no script shows empty boxes on a bare machine."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase

from familyprivacy import paths
from familyprivacy.i18n import languages

# Urdu is written in Nastaliq, never Naskh; every other script has one Noto family.
URDU_FAMILY = "Noto Nastaliq Urdu"
BASE_FAMILY = "Noto Sans"
# Every bundled family, in fallback order for mixed text (a language name list shows all scripts).
ALL_FAMILIES = (BASE_FAMILY, "Noto Naskh Arabic", "Noto Sans Bengali", "Noto Sans Gurmukhi",
                "Noto Sans Gujarati", "Noto Sans Ethiopic", URDU_FAMILY)

_registered: list[str] = []


def font_files() -> list[Path]:
    return sorted(paths.fonts_dir().glob("*.ttf"))


def register_fonts() -> list[str]:
    """Add every bundled font to Qt once; returns the families Qt now knows from them."""
    if _registered:
        return list(_registered)
    families: set[str] = set()
    for path in font_files():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families.update(QFontDatabase.applicationFontFamilies(font_id))
    _registered.extend(sorted(families))
    if BASE_FAMILY in families:  # mixed-script text falls back through the bundled fonts
        QFont.insertSubstitutions(BASE_FAMILY, [f for f in ALL_FAMILIES if f != BASE_FAMILY])
    return list(_registered)


def families_for(lang: str) -> list[str]:
    """Noto Sans for Latin and Cyrillic, then one font per other script; Urdu adds Nastaliq.

    Qt falls back through the list per script run, so English inside an Urdu page is set
    in Noto Sans while the Urdu is set in Nastaliq (never Naskh). The scripts do not
    overlap otherwise, so every other language shares one list, and switching between
    them does not restyle every widget.
    """
    rest = [f for f in ALL_FAMILIES if f not in (BASE_FAMILY, URDU_FAMILY)]
    return [BASE_FAMILY, URDU_FAMILY, *rest] if lang == "ur" else [BASE_FAMILY, *rest]


def native_style(lang: str) -> str:
    """The theme's name for a label showing a language's own name: Urdu's is set in Nastaliq."""
    return "native_ur" if lang == "ur" else "native"


def native_families() -> dict[str, list[str]]:
    """Font lists for language-name labels, whatever the interface's own language is."""
    return {"native": families_for("en"), "native_ur": families_for("ur")}


def css_font_family(lang: str) -> str:
    """A CSS ``font-family`` list for HTML shown in that language.

    Unquoted (family names are plain words), so the page's autoescaping leaves it intact.
    """
    return ", ".join(families_for(lang)) + ", sans-serif"


def line_height_percent(lang: str) -> int:
    """Line height as a percentage of the font's own line spacing (Qt's meaning of CSS ``line-height``).

    Qt scales the natural line spacing, not the font size: Noto Sans is already 1.36 em and a
    Bengali or Arabic line 1.5 to 1.7 em, so 115% gives Latin about 1.55 em, the spacing
    readability guidance asks for, and 120% leaves room for vowel signs above and below
    the line. Nastaliq's own spacing (2.5 em) is nearly enough; at 100% a kaf's stroke
    reached the line above, so it gets 115% too.
    """
    if lang == "ur":
        return 115
    try:
        script = languages.get(lang).script
    except KeyError:
        script = "Latn"
    return 120 if script in ("Arab", "Beng", "Guru", "Gujr", "Ethi") else 115


def ui_font(lang: str, point_size: float) -> QFont:
    font = QFont()
    font.setFamilies(families_for(lang))
    font.setPointSizeF(point_size)
    return font
