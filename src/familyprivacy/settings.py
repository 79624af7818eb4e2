"""The laptop's own settings, kept as a small validated JSON file in the data directory.

A broken file never stops the app: it is reported in plain words, the defaults are
used, and the broken file is left exactly as it was until the worker saves, so
nothing a person typed is lost.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from familyprivacy import paths

FILE_NAME = "settings.json"
MAX_BYTES = 64 * 1024
TEXT_SCALES = (1.0, 1.25, 1.5, 1.75, 2.0)
# The council may set the idle lock within these bounds (the worker's Settings > Idle lock, or this file).
IDLE_LOCK_MIN_MINUTES = 1.0
IDLE_LOCK_MAX_MINUTES = 60.0


@dataclass(frozen=True)
class Settings:
    council: str = ""  # the council this laptop serves; "" until the first run chooses
    demo: bool = False  # show every council's notices (training and demonstrations)
    text_scale: float = 1.0
    high_contrast: bool = False
    worker_language: str = "en"
    # Mark sections whose translation a qualified translator has not checked. On by default; a
    # council may turn it off, which takes effect only for a language signed off for the notice.
    mark_draft_translations: bool = True
    # The council's choice: refuse to record decisions on content it has not signed off (the English
    # content, and the translation shown).
    record_only_signed_content: bool = False
    idle_lock_minutes: float = 5.0  # the council's choice: lock the records after this long idle

    def with_changes(self, **changes: Any) -> Settings:
        return validate({**asdict(self), **changes})


class SettingsError(ValueError):
    """A settings value is wrong; the message names the file and the key."""


def settings_path() -> Path:
    return paths.data_dir() / FILE_NAME


def validate(data: object, where: str = FILE_NAME) -> Settings:
    if not isinstance(data, dict):
        raise SettingsError(f"{where}: must be a JSON object")
    defaults = Settings()
    known = set(asdict(defaults))
    extra = sorted(set(data) - known)
    if extra:
        raise SettingsError(f"{where}: unknown key {extra[0]!r}")
    values = {**asdict(defaults), **data}
    if not isinstance(values["council"], str) or len(values["council"]) > 64:
        raise SettingsError(f"{where}: 'council' must be a council id (text)")
    for key in ("demo", "high_contrast", "mark_draft_translations", "record_only_signed_content"):
        if not isinstance(values[key], bool):
            raise SettingsError(f"{where}: {key!r} must be true or false")
    scale = values["text_scale"]
    if isinstance(scale, bool) or not isinstance(scale, (int, float)) or not 0.75 <= scale <= 2.5:
        raise SettingsError(f"{where}: 'text_scale' must be a number from 0.75 to 2.5")
    values["text_scale"] = float(scale)
    lang = values["worker_language"]
    if not isinstance(lang, str) or not 2 <= len(lang) <= 12:
        raise SettingsError(f"{where}: 'worker_language' must be a language code")
    idle = values["idle_lock_minutes"]
    low, high = IDLE_LOCK_MIN_MINUTES, IDLE_LOCK_MAX_MINUTES
    if isinstance(idle, bool) or not isinstance(idle, (int, float)) or not low <= idle <= high:
        raise SettingsError(f"{where}: 'idle_lock_minutes' must be a number from {low:g} to {high:g}")
    values["idle_lock_minutes"] = float(idle)
    return replace(defaults, **values)


@dataclass(frozen=True)
class Loaded:
    settings: Settings
    problem: str = ""  # a plain message when the file was broken and defaults are in use
    first_run: bool = False


def load() -> Loaded:
    """The saved settings, or the defaults with a clear message if the file is unusable."""
    path = settings_path()
    if not path.exists():
        return Loaded(Settings(), first_run=True)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise SettingsError(f"{path.name}: larger than {MAX_BYTES} bytes")
        raw = path.read_text("utf-8")
        data = json.loads(raw)
        return Loaded(validate(data, path.name))
    except (OSError, UnicodeDecodeError) as exc:
        problem = f"{path}: cannot be read ({type(exc).__name__})"
    except json.JSONDecodeError as exc:
        problem = f"{path}: is not valid JSON (line {exc.lineno}, column {exc.colno})"
    except SettingsError as exc:
        problem = f"{path.parent / str(exc)}"
    return Loaded(Settings(), problem=problem + ". The usual settings are used until you save.")


def save(settings: Settings) -> None:
    """Write atomically: a crash mid-save leaves the old file, never half a file."""
    path = settings_path()
    tmp = path.with_name(path.name + ".tmp")
    text = json.dumps(asdict(settings), indent=2, sort_keys=True) + "\n"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o600)  # owner-only
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
