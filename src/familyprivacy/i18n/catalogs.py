"""Loading gettext catalogs safely, with English as the fallback for anything wrong.

Two domains: ``familyprivacy`` (the interface) and ``content`` (the notices).
A catalog that is missing, corrupt, truncated or hostile is reported in
``problems`` and that language falls back to English; the app carries on.
Individual entries whose placeholders or markup differ from the English are
rejected and the English is shown.
"""

from __future__ import annotations

import gettext
import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo

from familyprivacy import paths
from familyprivacy.i18n.compile import compile_po, plural_rule, source_stamp, stamp_path
from familyprivacy.i18n.pseudo import PSEUDO_LOCALES, pseudo_translate

log = logging.getLogger(__name__)

DOMAINS = ("familyprivacy", "content")
MAX_CATALOG_BYTES = 8 * 1024 * 1024
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER.findall(text))


def markup(text: str) -> list[str]:
    return sorted(m.group(0).lower() for m in _MARKUP.finditer(text))


def mismatch(english: str, translated: str) -> str | None:
    """Why ``translated`` cannot stand for ``english``, or None if it can."""
    if placeholders(english) != placeholders(translated):
        return "placeholders differ from the English"
    if markup(english) != markup(translated):
        return "markup differs from the English"
    return None


@dataclass(frozen=True)
class Lookup:
    text: str
    language: str  # the language actually shown
    status: str  # "source" (English), "draft", "reviewed", "stale", "missing", "rejected"


@dataclass
class Domain:
    messages: dict[str, str | tuple[str, ...]] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)
    plural: object = None  # callable n -> index


@dataclass(frozen=True)
class Problem:
    language: str
    file: str
    message: str
    entry: str | None = None

    def __str__(self) -> str:
        where = f" (entry {self.entry!r})" if self.entry else ""
        if "/" not in self.file:
            return f"translations/{self.language}/{self.file}: {self.message}{where}"
        return f"{self.file}: {self.message}{where}"


class Catalogs:
    """The active language's catalogs; cheap to switch once a language is loaded."""

    def __init__(self) -> None:
        self.language = "en"
        self._loaded: dict[str, dict[str, Domain]] = {}
        self.problems: list[Problem] = []

    # -- loading ---------------------------------------------------------
    def _mo_path(self, lang: str, domain: str) -> Path | None:
        root = paths.translations_dir()
        po = root / lang / "LC_MESSAGES" / f"{domain}.po"
        built = root / lang / "LC_MESSAGES" / f"{domain}.mo"
        if built.is_file() and (not po.is_file() or built.stat().st_mtime >= po.stat().st_mtime):
            return built
        if not po.is_file():
            return None
        # A source checkout compiles into the cache, and recompiles whenever the .po's bytes
        # differ from those the cached catalog was built from (times alone can race an editor).
        cached = paths.cache_dir() / "catalogs" / lang / f"{domain}.mo"
        raw = po.read_bytes()
        stamp = stamp_path(cached)
        if not cached.is_file() or not stamp.is_file() or stamp.read_text("ascii") != source_stamp(raw):
            compile_po(po, cached, lang, raw)
        return cached

    def _load_domain(self, lang: str, domain: str) -> Domain:
        result = Domain()
        try:
            mo = self._mo_path(lang, domain)
        except Exception as exc:  # a broken .po must not take the app down
            self._problem(lang, f"translations/{lang}/LC_MESSAGES/{domain}.po",
                          f"cannot be used, English is shown: {exc}")
            return result
        if mo is None:
            return result
        try:
            if mo.stat().st_size > MAX_CATALOG_BYTES:
                raise ValueError(f"larger than {MAX_CATALOG_BYTES} bytes")
            with mo.open("rb") as fh:
                catalog: Catalog = read_mo(fh)
            result.plural = gettext.c2py(plural_rule(lang)[1])
        except Exception as exc:
            self._problem(lang, mo.name, f"is corrupt or unsafe, English is shown: {exc}")
            return result
        status_file = mo.with_name(mo.name + ".status.json")
        try:
            status = json.loads(status_file.read_text("utf-8")) if status_file.is_file() else {}
            result.status = {str(k): str(v) for k, v in dict(status).items()}
        except Exception as exc:
            self._problem(lang, status_file.name, f"is unreadable: {exc}")
        for message in catalog:
            if not message.id or not message.string:
                continue
            ids = [str(i) for i in (message.id if isinstance(message.id, (tuple, list))
                                    else (message.id,))]
            strings = [str(t) for t in (message.string if isinstance(message.string, (tuple, list))
                                        else (message.string,))]
            context = message.context
            if isinstance(context, bytes):  # Babel's .mo reader leaves the context undecoded
                context = context.decode("utf-8")
            key = f"{context}\x04{ids[0]}" if context else ids[0]
            english = ids[-1]
            reason = next((r for t in strings if t and (r := mismatch(english, t))), None)
            if reason:
                self._problem(lang, mo.name, f"translation rejected: {reason}", ids[0][:60])
                result.status[key] = "rejected"
                continue
            result.messages[key] = tuple(strings) if len(ids) > 1 else strings[0]
        return result

    def _problem(self, lang: str, file: str, message: str, entry: str | None = None) -> None:
        problem = Problem(lang, file, message, entry)
        self.problems.append(problem)
        log.warning("translation problem in %s: %s", lang, problem)

    def load(self, lang: str) -> dict[str, Domain]:
        if lang not in self._loaded:
            if lang == "en" or lang in PSEUDO_LOCALES:
                self._loaded[lang] = {d: Domain() for d in DOMAINS}
            else:
                self._loaded[lang] = {d: self._load_domain(lang, d) for d in DOMAINS}
        return self._loaded[lang]

    def activate(self, lang: str) -> None:
        self.load(lang)
        self.language = lang

    def reload(self) -> None:
        self._loaded.clear()
        self.problems.clear()

    # -- lookups ---------------------------------------------------------
    def lookup(self, domain: str, message: str, context: str | None = None,
               lang: str | None = None) -> Lookup:
        lang = lang or self.language
        if lang == "en":
            return Lookup(message, "en", "source")
        if lang in PSEUDO_LOCALES:
            return Lookup(pseudo_translate(lang, message), lang, "draft")
        dom = self.load(lang)[domain]
        key = f"{context}\x04{message}" if context else message
        status = dom.status.get(key, "missing")
        found = dom.messages.get(key)
        if isinstance(found, tuple):  # a plural entry: its singular form stands for it
            found = found[0]
        if status == "stale" or not found:
            return Lookup(message, "en", "stale" if status == "stale" else
                          ("rejected" if status == "rejected" else "missing"))
        return Lookup(found, lang, status)

    def gettext(self, message: str) -> str:
        return self.lookup("familyprivacy", message).text

    def pgettext(self, context: str, message: str) -> str:
        return self.lookup("familyprivacy", message, context).text

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        lang = self.language
        english = singular if n == 1 else plural
        if lang == "en":
            return english
        if lang in PSEUDO_LOCALES:
            return pseudo_translate(lang, english)
        dom = self.load(lang)["familyprivacy"]
        found = dom.messages.get(singular)
        if isinstance(found, tuple) and callable(dom.plural):
            index = int(dom.plural(n))
            if 0 <= index < len(found) and found[index]:
                return found[index]
        return english
