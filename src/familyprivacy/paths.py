"""The one place that knows where resources and user data live.

Resources are found in a PyInstaller bundle, an installed wheel, or the source
tree, in that order. User data goes to the platform's data directory, beside
the executable in portable mode, or wherever ``FAMILYPRIVACY_DATA_DIR`` says
(tests use that override). No other module builds these paths.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "FamilyPrivacy"
APP_AUTHOR = "FamilyPrivacy"
PORTABLE_MARKER = "portable.txt"

_PACKAGE_DIR = Path(__file__).resolve().parent


def _first_existing(*candidates: Path) -> Path:
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[-1]


def _installed_or_source(name: str) -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    candidates = []
    if bundle:
        candidates.append(Path(bundle) / "familyprivacy" / name)
    candidates.append(_PACKAGE_DIR / name)  # inside an installed wheel
    candidates.append(_PACKAGE_DIR.parent.parent / name)  # the source tree (src layout)
    return _first_existing(*candidates)


def resources_dir() -> Path:
    override = os.environ.get("FAMILYPRIVACY_RESOURCES")
    return Path(override) if override else _installed_or_source("resources")


def translations_dir() -> Path:
    override = os.environ.get("FAMILYPRIVACY_TRANSLATIONS")
    return Path(override) if override else _installed_or_source("translations")


def notices_dir() -> Path:
    return resources_dir() / "notices"


def templates_dir() -> Path:
    return resources_dir() / "templates"


def compiled_templates_dir() -> Path:
    """The templates compiled ahead of time, with their manifest: built, never committed."""
    return resources_dir() / "compiled_templates"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def icons_dir() -> Path:
    return resources_dir() / "icons"


def is_frozen() -> bool:
    return bool(getattr(sys, "frozen", False))


def _portable_dir() -> Path | None:
    if not is_frozen():
        return None
    exe_dir = Path(sys.executable).resolve().parent
    if (exe_dir / PORTABLE_MARKER).exists():
        return exe_dir / "data"
    return None


def data_dir() -> Path:
    """Where this laptop keeps its records and settings (created on first use)."""
    override = os.environ.get("FAMILYPRIVACY_DATA_DIR")
    if override:
        path = Path(override)
    else:
        path = _portable_dir() or Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    """Rebuildable files, such as catalogs compiled for an editable install."""
    override = os.environ.get("FAMILYPRIVACY_CACHE_DIR")
    if override:
        path = Path(override)
    else:
        portable = _portable_dir()
        path = portable / "cache" if portable else Path(
            platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR)
        )
    path.mkdir(parents=True, exist_ok=True)
    return path
