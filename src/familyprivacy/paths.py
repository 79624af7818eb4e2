"""The one place that knows where resources and user data live.

Resources are found in a PyInstaller bundle, an installed wheel, or the source
tree, in that order. User data goes to the platform's data directory, beside
the executable in portable mode, or wherever ``FAMILYPRIVACY_DATA_DIR`` says
(tests use that override). No other module builds these paths.

The data folder is the worker's alone: it and every folder under it are 0700,
every file 0600 (made so when created, and put right at each start for folders
an earlier release left readable to others); on Windows the data folder gets an
owner-only access list (``icacls``) that what is inside inherits.
"""

from __future__ import annotations

import os
import stat
import subprocess
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
    """Where this laptop keeps its records and settings (created on first use, owner-only)."""
    override = os.environ.get("FAMILYPRIVACY_DATA_DIR")
    if override:
        path = Path(override)
    else:
        path = _portable_dir() or Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)  # its parents are the system's, not ours
    if path not in _SECURED:  # once per process: what an earlier release made, or another program
        _SECURED.add(path)
        secure_tree(path)
    elif sys.platform != "win32":  # one stat: someone may have opened it up since
        make_private(path)
    return path


_SECURED: set[Path] = set()
_ACL_SET: set[Path] = set()  # Windows: folders given an owner-only access list in this process


def make_private(path: Path) -> None:
    """Owner-only: 0700 for a folder, 0600 for a file (a link is left alone); on Windows an owner-only
    access list that the folder's contents inherit (untested here: ``icacls``, as IT would run it)."""
    if sys.platform == "win32":
        user = os.environ.get("USERNAME", "")
        if user and path not in _ACL_SET and path.is_dir():
            _ACL_SET.add(path)
            subprocess.run(["icacls", str(path), "/inheritance:r", "/grant:r", f"{user}:(OI)(CI)F", "/q"],
                           check=False, capture_output=True)
        return
    try:
        info = path.lstat()
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.getuid():
        return
    wanted = 0o700 if stat.S_ISDIR(info.st_mode) else 0o600
    if stat.S_IMODE(info.st_mode) != wanted:
        os.chmod(path, wanted)


def private_mkdir(path: Path) -> None:
    """Create ``path`` and each missing folder above it owner-only (0700), whatever the umask."""
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        make_private(folder)


def secure_tree(root: Path) -> None:
    """Make ``root`` and everything under it owner-only (links are not followed). Never the home
    folder or a drive's root, should the data folder be set to one by mistake."""
    if root.resolve() in (Path.home().resolve(), Path(root.resolve().anchor)):
        return
    make_private(root)
    if sys.platform == "win32":
        return  # what is inside inherits the folder's access list
    for folder, dirs, files in os.walk(root):
        for name in (*dirs, *files):
            make_private(Path(folder) / name)


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
