"""Qt's own strings (standard buttons, text field menus) in the family's language, where Qt has them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QTranslator
from PySide6.QtWidgets import QApplication


def qt_translations_dir() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def qm_for(code: str) -> Path | None:
    """``qtbase_<code>.qm`` if Qt ships one; languages without one are covered by our catalog."""
    base = code.split("-")[0].split("_")[0]
    if base == "en":
        return None
    # Qt ships Portuguese only as Brazilian Portuguese: its button words are the same.
    for name in (base, *_REGIONAL.get(base, ())):
        path = qt_translations_dir() / f"qtbase_{name}.qm"
        if path.is_file():
            return path
    return None


_REGIONAL = {"pt": ("pt_BR", "pt_PT")}


class QtTranslations:
    """Swaps the one installed qtbase translator when the language changes."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.translator: QTranslator | None = None
        self.language = "en"
        self._loaded: dict[str, QTranslator | None] = {}  # read each .qm file once

    def remove(self) -> None:
        """Take this translator out of the application (when its window closes)."""
        if self.translator is not None:
            self.app.removeTranslator(self.translator)
            self.translator = None

    def switch(self, code: str) -> bool:
        """Install Qt's translation for ``code``; True if one was found and loaded."""
        self.remove()
        self.language = code
        if code not in self._loaded:
            path = qm_for(code)
            translator: QTranslator | None = QTranslator(self.app) if path else None
            if translator is not None and not translator.load(str(path)):
                translator = None
            self._loaded[code] = translator
        translator = self._loaded[code]
        if translator is None:
            return False
        self.app.installTranslator(translator)
        self.translator = translator
        return True
