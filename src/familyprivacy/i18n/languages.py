"""The languages the app offers, each named in its own script (from CLDR via Babel).

The names are kept in a cache file, so Babel is imported only to build that cache
and for ``babel_locale``; listing the languages or asking their direction does not.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

from familyprivacy import paths
from familyprivacy.i18n.pseudo import PSEUDO_LOCALES

RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Thaa", "Syrc", "Nkoo"})


@dataclass(frozen=True)
class Language:
    code: str  # gettext / folder code, e.g. "pa" or "ckb"
    babel: str  # Babel locale identifier, e.g. "pa_Guru"
    script: str  # ISO 15924
    native_name: str
    english_name: str
    # "English" in the language itself: what a speaker reads when a part is shown in English.
    english_own: str = "English"

    @property
    def rtl(self) -> bool:
        return self.script in RTL_SCRIPTS


# England's largest main languages after English (Census 2021), then languages of
# families who arrived recently. Order: English first, then by the number of speakers.
_CODES: tuple[tuple[str, str, str], ...] = (
    ("en", "en_GB", "Latn"),
    ("pl", "pl", "Latn"),
    ("ro", "ro", "Latn"),
    ("pa", "pa_Guru", "Guru"),
    ("ur", "ur", "Arab"),
    ("pt", "pt_PT", "Latn"),
    ("es", "es", "Latn"),
    ("ar", "ar", "Arab"),
    ("bn", "bn", "Beng"),
    ("gu", "gu", "Gujr"),
    ("it", "it", "Latn"),
    ("lt", "lt", "Latn"),
    ("uk", "uk", "Cyrl"),
    ("fa", "fa", "Arab"),
    ("ps", "ps", "Arab"),
    ("ckb", "ckb", "Arab"),
    ("ti", "ti", "Ethi"),
    ("so", "so", "Latn"),
)


# The names UK councils and the Census use, where CLDR's English differs.
_ENGLISH_NAMES = {
    "pa_Guru": "Panjabi",
    "bn": "Bengali",
    "fa": "Farsi",
    "ckb": "Kurdish (Sorani)",
}


def _names(babel_id: str) -> tuple[str, str, str]:
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(babel_id)
    except (UnknownLocaleError, ValueError):
        return babel_id, babel_id, "English"
    # The language's own name, without a region, in its own script.
    native = locale.get_language_name(locale) or babel_id
    english = locale.get_language_name(Locale("en")) or babel_id
    english_own = locale.languages.get("en") or "English"
    # A name standing alone in a list starts with a capital, as language pickers do.
    native = native[:1].upper() + native[1:]
    english_own = english_own[:1].upper() + english_own[1:]
    return native, _ENGLISH_NAMES.get(babel_id, english), english_own


def _babel_version() -> str:
    """Babel's version without importing Babel (~8 ms) or importlib.metadata (~50 ms).

    Read from the installed package's ``__init__.py``; a frozen app has no source there,
    but its Babel changes only with the app, so the app's own file stands for it.
    """
    spec = importlib.util.find_spec("babel")
    origin = Path(spec.origin) if spec and spec.origin else None
    if origin and origin.is_file() and origin.suffix == ".py":
        found = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", origin.read_text("utf-8"), re.M)
        if found:
            return found.group(1)
    app = Path(sys.executable).stat()
    return f"app {app.st_size} {app.st_mtime_ns}"


def _names_cache() -> Path:
    """Where the names from CLDR are kept: reading 18 locales' data costs ~0.2 s and ~20 MB."""
    key = hashlib.sha256(repr((_babel_version(), _CODES, _ENGLISH_NAMES, _names.__code__.co_code))
                         .encode()).hexdigest()[:16]
    return paths.cache_dir() / f"language-names-{key}.json"


@lru_cache(maxsize=1)
def all_languages() -> tuple[Language, ...]:
    cache = _names_cache()
    try:
        names = {k: (str(v[0]), str(v[1]), str(v[2]))
                 for k, v in json.loads(cache.read_text("utf-8")).items()}
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        names = {}
    if set(names) != {babel_id for _, babel_id, _ in _CODES}:
        names = {babel_id: _names(babel_id) for _, babel_id, _ in _CODES}
        try:  # best effort: a read-only cache only costs the time
            cache.write_text(json.dumps(names, ensure_ascii=False), "utf-8")
        except OSError:
            pass
    return tuple(Language(code, babel_id, script, *names[babel_id]) for code, babel_id, script in _CODES)


def pseudo_languages() -> tuple[Language, ...]:
    return (
        Language("en-XA", "en_GB", "Latn", "Ƥšéûðö (long)", "Pseudo, long"),
        Language("ar-XB", "ar", "Arab", "Pseudo RTL", "Pseudo, right to left"),
    )


def get(code: str) -> Language:
    for lang in all_languages() + pseudo_languages():
        if lang.code == code:
            return lang
    raise KeyError(code)


def is_rtl(code: str) -> bool:
    try:
        return get(code).rtl
    except KeyError:
        return False


def babel_locale(code: str) -> Locale:
    from babel import Locale

    try:
        return Locale.parse(get(code).babel)
    except KeyError:
        return Locale.parse("en_GB")


assert set(PSEUDO_LOCALES) == {p.code for p in pseudo_languages()}
