"""Radio buttons and check boxes stay visible in high contrast: their ring is drawn in the text colour."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QCheckBox, QRadioButton, QWidget
from pytestqt.qtbot import QtBot

from familyprivacy.ui import fonts, theme
from familyprivacy.ui.app import application


@pytest.mark.parametrize("high_contrast", [False, True])
@pytest.mark.parametrize("kind", [QRadioButton, QCheckBox])
def test_indicator_ring_and_checked_fill_show_in_both_themes(qtbot: QtBot, high_contrast: bool,
                                                             kind: type[QWidget]) -> None:
    app = application()
    theme.apply(app, high_contrast, families=fonts.families_for("en"))
    try:
        c = theme.colours(high_contrast)
        button = kind()
        button.setText("Said aloud, with a witness")  # type: ignore[attr-defined]
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the focus ring is the highlight colour too
        qtbot.addWidget(button)
        button.show()
        QApplication.processEvents()

        def pixels(colour: str) -> int:
            image = button.grab().toImage()
            want = QColor(colour)
            return sum(1 for x in range(0, 24) for y in range(image.height())
                       if image.pixelColor(x, y) == want)

        assert pixels(c.text) >= 20, "the ring is drawn in the text colour, on black too"
        assert pixels(c.highlight) == 0
        button.setChecked(True)  # type: ignore[attr-defined]
        QApplication.processEvents()
        assert pixels(c.highlight) >= 20, "checked is filled with the highlight colour"
    finally:
        theme.apply(app, False, families=fonts.families_for("en"))
