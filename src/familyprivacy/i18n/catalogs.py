"""Loading gettext catalogs safely, with English as the fallback for anything wrong.

Two domains: ``familyprivacy`` (the interface) and ``content`` (the notices).
A catalog that is missing, corrupt, truncated or hostile is reported in
``problems`` and that language falls back to English; the app carries on.
Individual entries whose placeholders or markup differ from the English are
rejected and the English is shown.

Compiled catalogs are read here without Babel (see ``read_mo``); Babel is only
imported to compile a .po that has no up-to-date compiled catalog.
"""

from __future__ import annotations

import gettext
import json
import logging
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from familyprivacy import paths
from familyprivacy.i18n.compile import compile_po, plural_rule, source_stamp, stamp_path
from familyprivacy.i18n.pseudo import PSEUDO_LOCALES, pseudo_translate

log = logging.getLogger(__name__)

DOMAINS = ("familyprivacy", "content")
MAX_CATALOG_BYTES = 8 * 1024 * 1024
_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")
_MO_MAGIC = {b"\xde\x12\x04\x95": "<", b"\x95\x04\x12\xde": ">"}  # little / big endian
_PLURAL_FORMS = re.compile(r"\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?);?\s*")


def translated_languages() -> list[str]:
    """Languages that have a catalog folder under translations/."""
    root = paths.translations_dir()
    return sorted(p.name for p in root.iterdir() if (p / "LC_MESSAGES").is_dir()) if root.is_dir() else []


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
class MoEntry:
    context: str | None
    ids: tuple[str, ...]  # (singular,) or (singular, plural)
    strings: tuple[str, ...]  # one per plural form for a plural entry


def read_mo(data: bytes) -> tuple[dict[str, str], list[MoEntry]]:
    """The headers (names lower-cased) and entries of a GNU .mo file.

    The stdlib's ``gettext.GNUTranslations`` drops an entry's English plural, which the
    placeholder check needs, and Babel's reader costs its import; this reads the format
    directly. Any offset outside the file, or text that is not in the declared charset,
    raises ValueError.
    """
    order = _MO_MAGIC.get(data[:4])
    if order is None:
        raise ValueError("not a .mo file (bad magic number)")
    if len(data) < 20:
        raise ValueError("truncated header")
    _, count, ids_at, strings_at = struct.unpack(order + "4I", data[4:20])
    if ids_at + 8 * count > len(data) or strings_at + 8 * count > len(data):
        raise ValueError("its index runs past the end of the file")
    raw: list[tuple[bytes, bytes]] = []
    for i in range(count):
        id_len, id_off = struct.unpack(order + "2I", data[ids_at + 8 * i: ids_at + 8 * i + 8])
        str_len, str_off = struct.unpack(order + "2I", data[strings_at + 8 * i: strings_at + 8 * i + 8])
        if id_off + id_len >= len(data) or str_off + str_len >= len(data):
            raise ValueError("an entry runs past the end of the file")
        raw.append((data[id_off:id_off + id_len], data[str_off:str_off + str_len]))
    headers: dict[str, str] = {}
    for msgid, msgstr in raw:
        if not msgid:  # the header entry: "Name: value" lines
            for line in msgstr.decode("utf-8", "replace").splitlines():
                name, colon, value = line.partition(":")
                if colon:
                    headers[name.strip().lower()] = value.strip()
    charset = "utf-8"
    found = re.search(r"charset=([A-Za-z0-9_.:-]+)", headers.get("content-type", ""))
    if found:
        charset = found.group(1)
    entries = []
    for msgid, msgstr in raw:
        if not msgid:
            continue
        context, _, msgid = msgid.rpartition(b"\x04")
        try:
            entries.append(MoEntry(
                context.decode(charset) if context else None,
                tuple(part.decode(charset) for part in msgid.split(b"\x00")),
                tuple(part.decode(charset) for part in msgstr.split(b"\x00")) if b"\x00" in msgid
                else (msgstr.decode(charset),),
            ))
        except (UnicodeDecodeError, LookupError) as exc:
            raise ValueError(f"text not in its declared charset {charset}: {exc}") from None
    return headers, entries


def plural_function(headers: dict[str, str], lang: str) -> Callable[[int], int]:
    """The compiled catalog's plural rule (the project's, written by compile_po), checked safe by gettext.

    A catalog without a Plural-Forms header falls back to the project's rule for ``lang``.
    """
    found = _PLURAL_FORMS.fullmatch(headers.get("plural-forms", ""))
    expr = found.group(2) if found else plural_rule(lang)[1]
    return gettext.c2py(expr)


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
            headers, entries = read_mo(mo.read_bytes())
            result.plural = plural_function(headers, lang)
        except Exception as exc:
            self._problem(lang, mo.name, f"is corrupt or unsafe, English is shown: {exc}")
            return result
        status_file = mo.with_name(mo.name + ".status.json")
        try:
            status = json.loads(status_file.read_text("utf-8")) if status_file.is_file() else {}
            result.status = {str(k): str(v) for k, v in dict(status).items()}
        except Exception as exc:
            self._problem(lang, status_file.name, f"is unreadable: {exc}")
        for entry in entries:
            ids, strings, context = entry.ids, entry.strings, entry.context
            if not any(strings):
                continue
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

    def ngettext(self, singular: str, plural: str, n: int, lang: str | None = None) -> str:
        lang = lang or self.language
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
