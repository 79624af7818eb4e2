"""``familyprivacy screenshot --gallery``: one topic page per translated language, as the README shows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QColor, QImage
from pytestqt.qtbot import QtBot

from familyprivacy.cli import main
from familyprivacy.i18n import coverage
from familyprivacy.ui import theme


def near(a: QColor, b: QColor) -> bool:
    """Within a step or two: the pictures are exact, but antialiased edges blend."""
    return max(abs(a.red() - b.red()), abs(a.green() - b.green()), abs(a.blue() - b.blue())) <= 2


def selected_row_x(image: QImage) -> float:
    """Where the highlighted topic row is, across the picture (0 = left edge, 1 = right edge)."""
    highlight = QColor(theme.colours(False).highlight)
    xs = [x for x in range(0, image.width(), 4) for y in range(200, 650, 8)  # below the progress bar
          if near(image.pixelColor(x, y), highlight)]
    assert xs, "no highlighted topic row"
    return sum(xs) / len(xs) / image.width()


def test_gallery_has_every_language_at_a_laptop_size(qtbot: QtBot, tmp_path: Path) -> None:
    assert main(["screenshot", "--gallery", "--out", str(tmp_path)]) == 0
    shots = {p.stem: QImage(str(p)) for p in (tmp_path / "gallery").glob("*.png")}
    langs = coverage.translated_languages()
    expected = {"languages", *(f"{lang}-topic" for lang in langs), "ur-alongside", "pl-alongside",
                "bn-largest-text", "ar-presentation-high-contrast"}
    assert set(shots) == expected
    assert 12 <= len(shots) <= 16  # committed pictures: only as many as the gallery needs
    for name, image in shots.items():
        assert (image.width(), image.height()) == (1280, 800), name
    files = list((tmp_path / "gallery").glob("*.png"))
    assert len({p.read_bytes() for p in files}) == len(files)  # every picture differs
    assert all(p.stat().st_size < 250_000 for p in files)
    # Right-to-left pages mirror: the topic list, with its highlighted row, is on the right.
    for lang in langs:
        x = selected_row_x(shots[f"{lang}-topic"])
        assert (x > 0.75) if lang in ("ar", "ur") else (x < 0.25), (lang, x)
    # Presentation in high contrast: black, wall to wall.
    dark = shots["ar-presentation-high-contrast"].pixelColor(640, 790)
    assert near(dark, QColor(theme.colours(True).window))


def test_gallery_refuses_a_topic_the_notice_lacks(tmp_path: Path) -> None:
    assert main(["screenshot", "--gallery", "--out", str(tmp_path), "--topic", "lunch-menu"]) == 2
    assert not (tmp_path / "gallery").exists()


def test_recording_screens_in_english_urdu_and_bengali(qtbot: QtBot, tmp_path: Path) -> None:
    """``familyprivacy screenshot --recording``: the decision, the worker's form and the review with a
    signature pad per person, in a left-to-right, a Nastaliq and a Bengali visit."""
    assert main(["screenshot", "--recording", "--notice", "stockton-on-tees/childrens-social-care",
                 "--out", str(tmp_path)]) == 0
    files = sorted((tmp_path / "recording").glob("*.png"))
    assert [p.stem for p in files] == [f"{lang}-{screen}" for lang in ("bn", "en", "ur")
                                       for screen in ("decision", "people-form", "review")]
    assert len({p.read_bytes() for p in files}) == len(files)
    for p in files:
        image = QImage(str(p))
        assert (image.width(), image.height()) == (1280, 800), p.name
