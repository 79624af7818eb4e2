"""``familyprivacy screenshot`` writes real pictures of the main screens."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from familyprivacy import paths
from familyprivacy.cli import main


def test_screenshot_writes_every_screen(qtbot: QtBot, tmp_path: Path) -> None:
    data_dir = paths.data_dir()
    out = tmp_path / "shots"
    assert main(["screenshot", "--out", str(out), "--size", "900x600"]) == 0
    shots = sorted(out.glob("*.png"))
    names = {p.stem for p in shots}
    assert {"01-council-en", "02-languages-en", "03-topic-en", "03-topic-ur", "03-topic-en-XA",
            "07-presentation-high-contrast-ar-XB"} <= names
    sizes = set()
    for path in shots:
        image = QImage(str(path))
        assert not image.isNull(), path.name
        sizes.add((image.width(), image.height()))
    assert (900, 600) in sizes
    assert len({p.read_bytes() for p in shots}) == len(shots)  # every screen differs
    assert paths.data_dir() == data_dir  # the laptop's own data folder is left alone
    assert not list(data_dir.glob("settings.json"))


def test_screenshot_refuses_a_bad_size(tmp_path: Path) -> None:
    assert main(["screenshot", "--out", str(tmp_path), "--size", "big"]) == 2
