"""Colours come from one palette, so the high-contrast theme reaches every widget and page."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

BASE_POINT_SIZE = 13.0
PRESENTATION_FACTOR = 1.3
# The visit's controls stop growing at this text size; the page the family reads keeps growing.
# At 200% the controls of the topic page left the page itself two lines high at 1280x800.
CONTROLS_MAX = 1.5
# Nastaliq's lines are 2.5 em against Noto Sans's 1.36, so its controls stop sooner to reach the same height.
CONTROLS_MAX_NASTALIQ = 1.25
NASTALIQ = "Noto Nastaliq Urdu"
# The lines of the big buttons (BigButton), against the interface's text size: ``native`` names a
# language in its own script (``native_ur`` in Nastaliq).
LINE_SCALES = {"big": 1.4, "small": 0.9, "native": 1.55, "native_ur": 1.55}
CONTROLS = ("TopicView QPushButton", "TopicView QLabel", "TopicView QListWidget",
            "PresentationBar QPushButton", "PresentationBar QLabel", "QMenuBar")


@dataclass(frozen=True)
class Colours:
    """The theme's colours. tests/test_contrast.py holds every pair to WCAG 2.2 AA (1.4.3, 1.4.11)."""

    window: str
    text: str
    base: str
    button: str
    highlight: str  # also every focus ring
    highlight_text: str
    link: str
    note: str  # background of calm notes (translation being updated, official text in English)
    rule: str  # decoration only (a table's rule): carries no meaning, so no contrast is required
    border: str  # edges of buttons, fields, lists and the signature pad: 3:1 against what they sit on
    placeholder: str  # 4.5:1 on the field, and 2:1 apart from typed text so an empty field looks empty
    disabled_text: str  # 3:1 (disabled is exempt from 1.4.3, but must stay legible) on disabled_base
    disabled_base: str  # disabled fields and buttons: a fill of their own, and a dashed edge
    ink: str  # the signature pad's strokes, on base


# The signature pad is drawn on ``base`` with an edge in ``border``, strokes in ``ink``, the line to sign
# on in ``border``, the hint in ``placeholder`` and its focus ring in ``highlight`` (see pad_colours).
CALM = Colours("#f6f5f2", "#1b1b1b", "#ffffff", "#e7e5e0", "#1d5e8c", "#ffffff", "#1d5e8c",
               "#fff4cc", "#c8c4bb", border="#767676", placeholder="#666666",
               disabled_text="#75726c", disabled_base="#e7e5e0", ink="#102a54")
# The edges are grey, not white, so the yellow focus ring stands out from them (3.1:1), not only by hue.
HIGH_CONTRAST = Colours("#000000", "#ffffff", "#000000", "#1a1a1a", "#ffff00", "#000000", "#ffff00",
                        "#202020", "#ffffff", border="#8c8c8c", placeholder="#a6a6a6",
                        disabled_text="#8c8c8c", disabled_base="#262626", ink="#ffffff")


def colours(high_contrast: bool) -> Colours:
    return HIGH_CONTRAST if high_contrast else CALM


def palette(high_contrast: bool) -> QPalette:
    c = colours(high_contrast)
    pal = QPalette()
    role = QPalette.ColorRole
    for r, value in ((role.Window, c.window), (role.WindowText, c.text), (role.Base, c.base),
                     (role.AlternateBase, c.button), (role.Text, c.text), (role.Button, c.button),
                     (role.ButtonText, c.text), (role.Highlight, c.highlight),
                     (role.HighlightedText, c.highlight_text), (role.Link, c.link),
                     (role.ToolTipBase, c.base), (role.ToolTipText, c.text),
                     (role.BrightText, c.highlight)):
        pal.setColor(r, QColor(value))
    pal.setColor(role.PlaceholderText, QColor(c.placeholder))
    disabled = QPalette.ColorGroup.Disabled
    for r, value in ((role.WindowText, c.disabled_text), (role.Text, c.disabled_text),
                     (role.ButtonText, c.disabled_text), (role.PlaceholderText, c.disabled_text),
                     (role.Base, c.disabled_base), (role.Button, c.disabled_base)):
        pal.setColor(disabled, r, QColor(value))
    return pal


@dataclass(frozen=True)
class PadColours:
    background: str
    edge: str
    ink: str
    guide: str  # the line to sign on
    hint: str  # "Sign here …" while empty
    focus: str


def is_high_contrast(pal: QPalette) -> bool:
    """Whether ``pal`` (the application's, say) is the high-contrast theme's: for widgets that paint
    themselves and are not told the theme."""
    return pal.color(QPalette.ColorRole.Window).name() == HIGH_CONTRAST.window


def pad_colours(high_contrast: bool) -> PadColours:
    """The signature pad's colours: on white it was 1.09:1 against the page, its yellow focus ring 1.07:1."""
    c = colours(high_contrast)
    return PadColours(c.base, c.border, c.ink, c.border, c.placeholder, c.highlight)


def _each(selectors: str, state: str) -> str:
    return ", ".join(f"{s.strip()}{state}" for s in selectors.split(","))


def _families(families: list[str]) -> str:
    return ", ".join(f'"{f}"' for f in families)


def apply(app: QApplication, high_contrast: bool, point_size: float = BASE_POINT_SIZE,
          families: list[str] | None = None) -> None:
    """Colours, focus rings and fonts for every widget, in one style sheet.

    Fonts live here too: once a style sheet is set, Qt no longer passes the application
    font on to existing widgets. ``families`` is the interface's font list. Restyling
    every widget is slow, so only a real change is applied.
    """
    new_palette = palette(high_contrast)
    if app.palette() != new_palette:
        app.setPalette(new_palette)
    # Buttons drawn from the palette's colours; the focus ring is always visible and never
    # changes the button's size, so nothing reflows or clips as focus moves.
    c = colours(high_contrast)
    fields = "QListWidget, QLineEdit, QTextBrowser, QPlainTextEdit, QAbstractSpinBox, QComboBox"
    sheet = (
        f"QPushButton {{ background-color: {c.button}; color: {c.text}; border: 3px solid {c.border}; "
        f"border-radius: 6px; padding: 0.2em 0.9em; min-height: 1.5em; }}"
        f"QPushButton:hover {{ border-color: {c.link}; }}"
        f"QPushButton:checked {{ background-color: {c.highlight}; color: {c.highlight_text}; }}"
        f"QPushButton:disabled {{ color: {c.disabled_text}; background-color: {c.disabled_base}; "
        f"border-style: dashed; border-color: {c.disabled_text}; }}"
        f"QPushButton:focus {{ border-color: {c.highlight}; background-color: {c.note}; }}"
        f"QPushButton:checked:focus {{ background-color: {c.highlight}; border-color: {c.text}; }}"
        f"{fields} {{ border: 3px solid {c.border}; border-radius: 4px; }}"
        f"{_each(fields, ':focus')} {{ border-color: {c.highlight}; }}"
        # Disabled fields look disabled: their own fill, a dashed edge, and greyed (still 3:1) text.
        f"{_each(fields, ':disabled')} {{ color: {c.disabled_text}; background-color: {c.disabled_base}; "
        f"border-style: dashed; border-color: {c.disabled_text}; }}"
        f"QLineEdit {{ padding: 0.3em; }}"
        # A framed track, so the part not yet seen shows on the black of high contrast too.
        f"QProgressBar {{ border: 2px solid {c.border}; border-radius: 4px; background-color: {c.base}; }}"
        f"QProgressBar::chunk {{ background-color: {c.highlight}; }}"
        # Radio buttons and check boxes drawn from the theme too: in high contrast the style's own
        # indicator vanished into the black. Checked is filled; the ring shows in both themes.
        f"QRadioButton::indicator, QCheckBox::indicator {{ width: 14px; height: 14px; "
        f"border: 3px solid {c.text}; background-color: {c.base}; }}"
        f"QRadioButton::indicator {{ border-radius: 10px; }}"
        f"QRadioButton::indicator:checked, QCheckBox::indicator:checked {{ "
        f"background-color: {c.highlight}; }}"
        f"QRadioButton::indicator:disabled, QCheckBox::indicator:disabled {{ "
        f"border: 3px dashed {c.disabled_text}; background-color: {c.disabled_base}; }}"
        f"QRadioButton:focus, QCheckBox:focus {{ outline: 2px solid {c.highlight}; }}"
        # The warning before the idle lock (ui/idle_lock.IdleWarning): a note, framed like a focus ring.
        f"QFrame#idleWarning {{ background-color: {c.note}; color: {c.text}; "
        f"border: 3px solid {c.highlight}; border-radius: 6px; }}"
        f"QFrame#idleWarning QLabel {{ background-color: {c.note}; color: {c.text}; border: none; }}"
        f"QLabel#heading {{ font-size: {round(point_size * 1.6)}pt; font-weight: bold; }}"
    )
    if families:
        sheet = f"* {{ font-family: {_families(families)}; font-size: {round(point_size, 1)}pt; }}" + sheet
        cap = CONTROLS_MAX_NASTALIQ if NASTALIQ in families[:2] else CONTROLS_MAX
        controls = min(point_size, BASE_POINT_SIZE * cap)
        if controls < point_size:
            sheet += f"{', '.join(CONTROLS)} {{ font-size: {round(controls, 1)}pt; }}"
        if NASTALIQ in families[:2]:
            # Line edits, combo boxes and group box titles take their height, and where they cut
            # off what they draw, from their first font: with Noto Sans first, Nastaliq's marks
            # above and below (2.5 em tall) were lost.
            first = _families([NASTALIQ, *(f for f in families if f != NASTALIQ)])
            sheet += f"QLineEdit, QComboBox, QAbstractSpinBox, QGroupBox {{ font-family: {first}; }}"
            # Nastaliq is not set bold: its bold strokes ran into each other and into the line above
            # (headings and group titles); size alone marks a heading, as on the topic pages.
            sheet += "QLabel#heading, QGroupBox { font-weight: normal; }"
    if app.styleSheet() != sheet:
        app.setStyleSheet(sheet)


def page_css(high_contrast: bool, scale: float, font_family: str, line_height: int = 115,
             bold_headings: bool = True) -> str:
    """The CSS for pages shown in QTextBrowser, built from the same colours as the widgets.

    ``line_height`` is a percentage of the font's own line spacing (see fonts.line_height_percent).

    Nastaliq headings are not set in bold: its bold strokes collide, and size alone marks them.
    """
    c = colours(high_contrast)
    bold = "bold" if bold_headings else "normal"
    size = round(BASE_POINT_SIZE * 1.35 * scale)
    # Headings scale with the text; at 1.45 times it a Nastaliq title at 200% filled the page on its own.
    return (
        f"body {{ font-family: {font_family}; font-size: {size}pt; color: {c.text}; "
        f"background-color: {c.base}; }}\n"
        f"p, li, td {{ line-height: {line_height}%; }}\n"
        f".title {{ font-size: {round(size * 1.3)}pt; font-weight: {bold}; margin-bottom: 8px; }}\n"
        f".section {{ font-size: {round(size * 1.15)}pt; font-weight: {bold}; margin-top: 18px; }}\n"
        f".sub {{ font-size: {round(size * 1.05)}pt; font-weight: {bold}; margin-top: 12px; }}\n"
        f".note {{ background-color: {c.note}; color: {c.text}; }}\n"
        f".term {{ font-weight: bold; text-decoration: underline; }}\n"
        f".words {{ background-color: {c.note}; color: {c.text}; }}\n"
        f".en {{ font-weight: bold; }}\n"  # English headings beside Nastaliq ones stay bold
        f".official {{ font-size: {round(size * 0.85)}pt; }}\n"
        f".small {{ font-size: {round(size * 0.75)}pt; }}\n"
        f"th {{ text-align: start; border-bottom: 1px solid {c.rule}; }}\n"
    )
