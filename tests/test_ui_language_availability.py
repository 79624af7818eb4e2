"""Languages without a translation are offered after the translated ones, marked honestly."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from familyprivacy import i18n
from familyprivacy.ui.language_picker import LanguagePicker


def test_untranslated_languages_come_last_and_say_so(qtbot: QtBot) -> None:
    picker = LanguagePicker(translated={"pl", "ar"})
    qtbot.addWidget(picker)
    codes = picker.visible_codes()
    assert codes[:3] == ["en", "pl", "ar"]
    buttons = {b.key: b for b in picker.buttons}
    assert buttons["pl"].sub_text == "Polish"
    assert "not translated yet" in buttons["fa"].sub_text
    assert "Farsi" in buttons["fa"].sub_text
    assert buttons["fa"].main_text == "فارسی"
    # Its speaker can read that it will be in English, in Farsi, not only in the worker's note.
    assert buttons["fa"].sub_text.startswith("انگلیسی · ")
    assert buttons["ps"].sub_text.startswith("انګليسي · ") and buttons["ti"].sub_text.startswith("እንግሊዝኛ")


def test_the_real_catalogs_decide_what_is_translated(qtbot: QtBot) -> None:
    picker = LanguagePicker()
    qtbot.addWidget(picker)
    first = picker.visible_codes()[:9]
    assert first[0] == "en"
    assert set(first[1:]) == {"pl", "ro", "pa", "ur", "pt", "es", "ar", "bn"}
    i18n.set_language("pl")
    picker.retranslate()
    assert "Farsi" in next(b for b in picker.buttons if b.key == "fa").sub_text
