"""Reading notice files: one clear error per broken file, and the rest still load.

A notice is a TOML file under ``resources/notices/<council>/``; the schema is
documented in ``resources/notices/README.md``. Every problem names the file,
the line where it can be found, and the key path.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from familyprivacy.content.model import Choice, Council, Gap, GlossaryEntry, Notice, Section
from familyprivacy.content.topics import CHECKLIST_IDS, CHOICE_KINDS, TOPIC_IDS

SCHEMA_VERSION = 1
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TEXT_CHARS = 20_000
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_LANG = re.compile(r"^[a-z]{2,3}$")
_NOTICE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}/[a-z0-9][a-z0-9-]{0,62}$")
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?][^>]*>|javascript:", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # control characters other than tab and newline


@dataclass(frozen=True)
class ContentError:
    file: str
    message: str
    key: str = ""
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" [{self.key}]" if self.key else ""
        return f"{where}{key}: {self.message}"


@dataclass
class LoadResult:
    notices: list[Notice] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)

    def by_id(self, notice_id: str) -> Notice:
        for notice in self.notices:
            if notice.id == notice_id:
                return notice
        raise KeyError(notice_id)


class _Invalid(Exception):
    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key
        self.message = message


def _locate(text: str, key: str) -> int | None:
    """Best-effort line number for a key path like ``section[3].plain``."""
    lines = text.splitlines()
    start = 0
    parts = key.split(".") if key else []
    for part in parts:
        m = re.fullmatch(r"([A-Za-z_-]+)\[(\d+)\]", part)
        if m:
            name, index = m.group(1), int(m.group(2))
            header = re.compile(rf"^\s*\[\[\s*{re.escape(name)}\s*\]\]")
            seen = -1
            for i in range(start, len(lines)):
                if header.match(lines[i]):
                    seen += 1
                    if seen == index:
                        start = i
                        break
            else:
                return None
        else:
            pattern = re.compile(rf"^\s*(\[\s*{re.escape(part)}\s*\]|{re.escape(part)}\s*=)")
            for i in range(start, len(lines)):
                if pattern.match(lines[i]):
                    start = i
                    break
            else:
                return start + 1 if start else None
    return start + 1 if parts else None


class _Reader:
    """Typed access to a TOML table that records the key path for errors."""

    def __init__(self, data: dict[str, Any], path: str) -> None:
        self.data = data
        self.path = path

    def _key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def text(self, name: str, required: bool = True, allow_empty: bool = False) -> str:
        if name not in self.data:
            if required:
                raise _Invalid(self._key(name), "required key is missing")
            return ""
        value = self.data[name]
        if not isinstance(value, str):
            raise _Invalid(self._key(name), f"must be text, not {type(value).__name__}")
        if len(value) > MAX_TEXT_CHARS:
            raise _Invalid(self._key(name), f"is longer than {MAX_TEXT_CHARS} characters")
        if ("<" in value or ":" in value) and _MARKUP.search(value):  # most text has neither
            raise _Invalid(self._key(name), "contains HTML or script; content is plain text")
        if _CONTROL.search(value):
            raise _Invalid(self._key(name), "contains control characters")
        if required and not allow_empty and not value.strip():
            raise _Invalid(self._key(name), "must not be empty")
        return value.strip()

    def ident(self, name: str) -> str:
        value = self.text(name)
        if not _ID.match(value):
            raise _Invalid(self._key(name), f"{value!r} is not an id (lower-case letters, digits, -)")
        return value

    def boolean(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            raise _Invalid(self._key(name), "must be true or false")
        return value

    def text_list(self, name: str) -> tuple[str, ...]:
        value = self.data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _Invalid(self._key(name), "must be a list of text")
        return tuple(v.strip() for v in value)

    def table(self, name: str) -> _Reader:
        value = self.data.get(name)
        if not isinstance(value, dict):
            raise _Invalid(self._key(name), "required table is missing" if value is None
                           else "must be a table")
        return _Reader(value, self._key(name))

    def tables(self, name: str, required: bool = True) -> list[_Reader]:
        value = self.data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise _Invalid(self._key(name), f"must be an array of tables ([[{name}]])")
        if required and not value:
            raise _Invalid(self._key(name), f"at least one [[{name}]] is required")
        return [_Reader(v, f"{self._key(name)}[{i}]") for i, v in enumerate(value)]

    def unknown(self, allowed: Iterable[str]) -> None:
        extra = sorted(set(self.data) - set(allowed))
        if extra:
            raise _Invalid(self._key(extra[0]), "unknown key (check the spelling against the schema)")


def _parse(data: dict[str, Any], path: Path) -> Notice:
    root = _Reader(data, "")
    root.unknown(("schema", "id", "title", "source_file", "last_reviewed", "council", "section",
                  "glossary", "choice", "gap", "ignored", "translated"))
    schema = data.get("schema")
    if schema != SCHEMA_VERSION:
        raise _Invalid("schema", f"must be {SCHEMA_VERSION} (this app reads schema {SCHEMA_VERSION})")

    c = root.table("council")
    c.unknown(("id", "name", "controller", "dpo", "contact", "ico", "website"))
    council = Council(c.ident("id"), c.text("name"), c.text("controller"), c.text("dpo"),
                      c.text("contact"), c.text("ico"), c.text("website", required=False))

    sections = []
    seen: set[str] = set()
    for s in root.tables("section"):
        s.unknown(("id", "topic", "title", "plain", "official", "covers"))
        sid = s.ident("id")
        if sid in seen:
            raise _Invalid(f"{s.path}.id", f"duplicate section id {sid!r}")
        seen.add(sid)
        topic = s.text("topic")
        if topic not in TOPIC_IDS:
            raise _Invalid(f"{s.path}.topic", f"unknown topic {topic!r}; one of {', '.join(TOPIC_IDS)}")
        covers = s.text_list("covers")
        for item in covers:
            if item not in CHECKLIST_IDS:
                raise _Invalid(f"{s.path}.covers", f"unknown checklist item {item!r}")
        sections.append(Section(sid, topic, s.text("title"), s.text("plain"),
                                s.text("official", allow_empty=True), covers))
    missing = [t for t in TOPIC_IDS if not any(s.topic == t for s in sections)]
    if missing:
        raise _Invalid("section", f"no section for topic(s) {', '.join(missing)}; every topic "
                       "needs one (say plainly what the source leaves out)")
    sections.sort(key=lambda s: TOPIC_IDS.index(s.topic))  # stable: file order within a topic

    glossary = []
    for g in root.tables("glossary", required=False):
        g.unknown(("term", "meaning"))
        glossary.append(GlossaryEntry(g.text("term"), g.text("meaning")))

    section_ids = frozenset(seen)  # a gap names a section, never a choice (which shares the id space)
    choices = []
    for ch in root.tables("choice", required=False):
        ch.unknown(("id", "kind", "title", "explanation", "if_yes", "if_no", "withdraw",
                    "lawful_basis", "source_quote", "implied", "implied_note"))
        cid = ch.ident("id")
        if cid in seen:
            raise _Invalid(f"{ch.path}.id", f"duplicate id {cid!r}")
        seen.add(cid)
        kind = ch.text("kind")
        if kind not in CHOICE_KINDS:
            raise _Invalid(f"{ch.path}.kind", f"unknown kind {kind!r}; one of {', '.join(CHOICE_KINDS)}")
        implied = ch.boolean("implied")
        note = ch.text("implied_note", required=implied)
        choices.append(Choice(cid, kind, ch.text("title"), ch.text("explanation"), ch.text("if_yes"),
                              ch.text("if_no"), ch.text("withdraw"), ch.text("lawful_basis"),
                              ch.text("source_quote"), implied, note))

    gaps = []
    for gp in root.tables("gap", required=False):
        gp.unknown(("item", "note", "section"))
        item = gp.text("item")
        if item not in (*CHECKLIST_IDS, "other"):
            raise _Invalid(f"{gp.path}.item", f"unknown checklist item {item!r}")
        section = gp.text("section", required=False)
        if section and section not in section_ids:
            raise _Invalid(f"{gp.path}.section", f"no section with id {section!r}")
        gaps.append(Gap(item, gp.text("note"), section))

    ignored: tuple[str, ...] = ()
    if "ignored" in data:
        ig = root.table("ignored")
        ig.unknown(("lines", "reason"))
        ig.text("reason")
        ignored = ig.text_list("lines")

    source_file = root.text("source_file")
    if "/" in source_file or "\\" in source_file or source_file.startswith("."):
        raise _Invalid("source_file", "must be a file name beside the notice, not a path")
    notice_id = root.text("id")
    if not _NOTICE_ID.match(notice_id) or notice_id.partition("/")[0] != council.id:
        raise _Invalid("id", f"{notice_id!r} is not '<council id>/<notice slug>' in lower-case letters, "
                             f"digits and -, starting with this notice's council id ({council.id}/…)")
    if path.parent.parent.name == "notices" and path.parent.name != council.id:
        raise _Invalid("council.id", f"{council.id!r} is not the folder this notice is in "
                                     f"({path.parent.name}); each council's notices live in its own folder")
    return Notice(
        id=notice_id, title=root.text("title"), council=council, sections=tuple(sections),
        glossary=tuple(glossary), choices=tuple(choices), gaps=tuple(gaps),
        source_file=source_file, last_reviewed=root.text("last_reviewed", required=False),
        ignored=ignored, path=path, translated=_languages(root),
    )


def _languages(root: _Reader) -> tuple[str, ...]:
    languages = root.text_list("translated")
    for i, code in enumerate(languages):
        if not _LANG.match(code):
            raise _Invalid(f"translated[{i}]", f"{code!r} is not a language code such as pl or pa")
    if "en" in languages:
        raise _Invalid("translated", "English is the notice's own language; list only its translations")
    if len(set(languages)) != len(languages):
        raise _Invalid("translated", "a language appears twice")
    return languages


def _cached(cache: Path | None, digest: str) -> dict[str, Any] | None:
    """The TOML of a notice as parsed before (same bytes, same digest), or None.

    Anything odd in the cache (missing, too big, not JSON, not a table) means: parse the TOML.
    What comes from the cache is checked exactly as parsed TOML is.
    """
    if cache is None:
        return None
    try:
        file = cache / f"{digest}.json"
        if file.stat().st_size > 4 * MAX_FILE_BYTES:
            return None
        data = json.loads(file.read_bytes())
    except (OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _remember(cache: Path | None, digest: str, data: dict[str, Any]) -> None:
    """Best effort: a read-only or full cache only costs the parse next time."""
    if cache is None:
        return
    try:
        text = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):  # a TOML date or time has no JSON form: parse it each time
        return
    tmp = cache / f"{digest}.{os.getpid()}.tmp"
    try:
        cache.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, "utf-8")
        os.replace(tmp, cache / f"{digest}.json")
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass


def load_file(path: Path, cache: Path | None = None, digests: set[str] | None = None) -> Notice:
    """Load one notice or raise ``ContentFileError`` with a clear message.

    ``cache``: a folder keeping each notice's parsed TOML as JSON, by the SHA-256 of its
    bytes; reading it is 40 times quicker than parsing TOML (the app's start-up uses it).
    ``digests`` collects the SHA-256 of each file read, so the cache can drop the others.
    """
    name = str(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ContentFileError(ContentError(name, f"cannot be read: {exc.strerror}")) from None
    if size > MAX_FILE_BYTES:
        raise ContentFileError(ContentError(name, f"is {size} bytes; a notice may be at most "
                                            f"{MAX_FILE_BYTES} bytes"))
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentFileError(ContentError(name, "is not UTF-8 text (save it as UTF-8)",
                                            line=line)) from None
    digest = hashlib.sha256(raw).hexdigest()
    if digests is not None:
        digests.add(digest)
    if not text.strip():
        raise ContentFileError(ContentError(name, "is empty: a notice starts with `schema = "
                                            f"{SCHEMA_VERSION}`, then its id, title and sections"))
    data = _cached(cache, digest)
    if data is None:
        import tomllib  # only when the cache has no copy of these bytes

        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            m = re.search(r"line (\d+)", str(exc))
            raise ContentFileError(ContentError(name, f"is not valid TOML: {exc}",
                                                line=int(m.group(1)) if m else None)) from None
        _remember(cache, digest, data)
    try:
        return _parse(data, path)
    except _Invalid as exc:
        raise ContentFileError(ContentError(name, exc.message, exc.key, _locate(text, exc.key))) \
            from None


class ContentFileError(Exception):
    def __init__(self, error: ContentError) -> None:
        super().__init__(str(error))
        self.error = error


def notice_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            # A notice's sign-off records (content/signoff.py) sit beside it; they are not notices.
            files.extend(sorted(f for f in p.rglob("*.toml") if not f.name.endswith(".signoff.toml")))
        else:
            files.append(p)
    return files


def load_notices(paths: Iterable[Path], cache: Path | None = None) -> LoadResult:
    """Load every notice under ``paths``; a broken file is reported and skipped."""
    result = LoadResult()
    ids: dict[str, str] = {}
    digests: set[str] = set()
    for path in notice_files(paths):
        try:
            notice = load_file(path, cache, digests)
        except ContentFileError as exc:
            result.errors.append(exc.error)
            continue
        if notice.id in ids:
            result.errors.append(ContentError(str(path), f"duplicate notice id {notice.id!r} "
                                              f"(also in {ids[notice.id]})", "id", _locate(
                                                  path.read_text("utf-8"), "id")))
            continue
        ids[notice.id] = str(path)
        result.notices.append(notice)
    if cache is not None:
        _prune(cache, digests)
    return result


def load_all(cached: bool = False) -> LoadResult:
    """Every installed notice. ``cached``: through the parse cache (the app's start-up; checks
    and tools parse the TOML itself)."""
    from familyprivacy import paths

    return load_notices([paths.notices_dir()], paths.cache_dir() / "notices" if cached else None)


def _prune(cache: Path, digests: set[str]) -> None:
    """Drop copies of notice versions that are no longer installed."""
    keep = {digest + ".json" for digest in digests}
    try:
        for old in cache.glob("*.json"):
            if old.name not in keep:
                old.unlink()
    except OSError:
        pass
