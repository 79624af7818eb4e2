"""Sign-off: who approved a notice's content, and each translation of it, and exactly what they approved.

Each notice may have a sign-off file beside it (``<notice>.signoff.toml``), written by
``familyprivacy sign-off`` and committed with the notice. Each record names who (name,
role), when, the scope (``en``: the English content, that is the official wording's
mapping, the plain text, the choices and their kinds; or a language code: that
language's translation of this notice) and the fingerprint of what they approved,
with a digest of each part, so a later change names the parts that changed.

A record counts only while the content still has the fingerprint it names: any
change makes that scope unsigned again, and ``familyprivacy check`` says what
changed since. The newest record of a scope is the one that counts; older ones stay
in the file as its history.

A broken or hostile sign-off file never stops the app: the notice counts as
unsigned and the problem is reported, naming the file and what is wrong.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from familyprivacy.content.fingerprint import fingerprint
from familyprivacy.content.model import Notice

ENGLISH = "en"
SUFFIX = ".signoff.toml"
MAX_BYTES = 1024 * 1024
_SCOPE = re.compile(r"^[a-z]{2,3}(?:_[A-Za-z]{2,4})?$")
_RFC3339 = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?"
                      r"(Z|[+-][0-9]{2}:[0-9]{2})")
_FINGERPRINT = re.compile(r"^sha256:[0-9a-f]{64}$")
_PART = re.compile(r"^(?:notice|section:[a-z0-9-]+|choice:[a-z0-9-]+)$")


@dataclass(frozen=True)
class Signoff:
    scope: str  # "en" or a language code
    by: str
    role: str
    at: str  # UTC ISO 8601, "…Z"
    fingerprint: str
    parts: dict[str, str] = field(default_factory=dict, compare=False)

    def public(self) -> dict[str, str]:
        """What a saved record carries: who, their role, when, and the fingerprint they approved."""
        return {"by": self.by, "role": self.role, "at": self.at, "fingerprint": self.fingerprint}


@dataclass(frozen=True)
class ScopeState:
    """Whether one scope (English, or one language) of a notice is signed off as it stands."""

    scope: str
    fingerprint: str  # of the content as it is now
    record: Signoff | None  # the newest sign-off of this scope, if any
    changed: tuple[str, ...] = ()  # the parts changed since that sign-off

    @property
    def signed(self) -> bool:
        return self.record is not None and self.record.fingerprint == self.fingerprint

    def describe(self) -> str:
        what = "English content" if self.scope == ENGLISH else f"{self.scope} translation"
        if self.record is None:
            return f"{what}: NOT signed off"
        who = f"{self.record.by} ({self.record.role}) on {self.record.at[:10]}"
        if self.signed:
            return f"{what}: signed off by {who}"
        changed = ", ".join(self.changed) if self.changed else "the parts list"
        return f"{what}: signed off by {who}, but changed since ({changed}): NOT signed off now"


def signoff_path(notice: Notice) -> Path | None:
    if notice.path is None:
        return None
    return notice.path.with_name(notice.path.name.removesuffix(".toml") + SUFFIX)


# --- what is approved -------------------------------------------------------------------------------


def _digest(value: Any) -> str:
    return fingerprint(value if isinstance(value, dict) else {"value": value})


def english_parts(notice: Notice) -> dict[str, str]:
    """A digest of each part of the English content: the notice's frame, each section, each choice."""
    frame = {"id": notice.id, "title": notice.title, "council": asdict(notice.council),
             "glossary": [asdict(g) for g in notice.glossary], "gaps": [asdict(g) for g in notice.gaps],
             "source_file": notice.source_file, "last_reviewed": notice.last_reviewed,
             "ignored": list(notice.ignored), "order": [s.id for s in notice.sections],
             "choices": [c.id for c in notice.choices]}
    parts = {"notice": _digest(frame)}
    for s in notice.sections:
        parts[f"section:{s.id}"] = _digest(asdict(s))
    for c in notice.choices:
        parts[f"choice:{c.id}"] = _digest(asdict(c))
    return parts


def language_parts(notice: Notice, lang: str) -> dict[str, str]:
    """A digest of each part as the family sees it in ``lang``: the text shown and the language it is
    shown in (a part shown in English for want of a translation is a different part), bound to the
    English it translates. A translator's review mark alone changes nothing here."""
    from familyprivacy.content.localize import localize

    english = english_parts(notice)
    view = localize(notice, lang)

    def shown(value: Any) -> Any:
        if isinstance(value, dict) and set(value) == {"text", "language", "status"}:
            return {"text": value["text"], "language": value["language"]}
        if isinstance(value, dict):
            return {k: shown(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [shown(v) for v in value]
        return value

    data = shown(view.as_dict())
    frame = {"title": data["title"], "glossary": data["glossary"], "gaps": data["gaps"],
             "council_text": data.get("council_text", {})}
    parts = {"notice": _digest({"english": english["notice"], "shown": frame})}
    for s in data["sections"]:
        key = f"section:{s['id']}"
        parts[key] = _digest({"english": english[key], "shown": s})
    for c in data["choices"]:
        key = f"choice:{c['id']}"
        parts[key] = _digest({"english": english[key], "shown": c})
    return parts


def parts_for(notice: Notice, scope: str) -> dict[str, str]:
    return english_parts(notice) if scope == ENGLISH else language_parts(notice, scope)


def combined(parts: dict[str, str]) -> str:
    return fingerprint(parts)


# --- the file -------------------------------------------------------------------------------------


class SignoffError(ValueError):
    """A sign-off file is broken; the message names the file and what is wrong."""


def read(path: Path) -> list[Signoff]:
    """Every record in ``path`` (oldest first); [] if there is no file. Raises SignoffError."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise SignoffError(f"{path}: cannot be read ({exc.strerror})") from None
    if len(raw) > MAX_BYTES:
        raise SignoffError(f"{path}: larger than {MAX_BYTES // 1024} KB; not a sign-off file")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SignoffError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise SignoffError(f"{path}: not valid TOML ({exc})") from None
    unknown = sorted(set(data) - {"notice", "signoff"})
    if unknown:
        raise SignoffError(f"{path}: unknown key {unknown[0]!r}")
    records = data.get("signoff", [])
    if not isinstance(records, list):
        raise SignoffError(f"{path}: 'signoff' must be a list of [[signoff]] tables")
    out = []
    for i, rec in enumerate(records, start=1):
        where = f"{path}: [[signoff]] number {i}"
        if not isinstance(rec, dict):
            raise SignoffError(f"{where}: must be a table")
        extra = sorted(set(rec) - {"scope", "by", "role", "at", "fingerprint", "parts"})
        if extra:
            raise SignoffError(f"{where}: unknown key {extra[0]!r}")
        for key in ("scope", "by", "role", "at", "fingerprint"):
            value = rec.get(key)
            if not isinstance(value, str) or not value.strip() or len(value) > 200:
                raise SignoffError(f"{where}: {key!r} must be text (1 to 200 characters)")
            if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in value):
                raise SignoffError(f"{where}: {key!r} contains control characters")
        if not _SCOPE.match(rec["scope"]):
            raise SignoffError(f"{where}: 'scope' must be 'en' or a language code")
        if not _FINGERPRINT.match(rec["fingerprint"]):
            raise SignoffError(f"{where}: 'fingerprint' must be 'sha256:' and 64 hex digits")
        try:  # RFC 3339, as the council's inbox accepts it in every record that carries it
            if not _RFC3339.fullmatch(rec["at"]):
                raise ValueError
            when = datetime.fromisoformat(rec["at"].replace("Z", "+00:00"))
        except ValueError:
            raise SignoffError(f"{where}: 'at' must be a date and time like 2026-12-07T10:30:00Z") from None
        if when.tzinfo is None:
            raise SignoffError(f"{where}: 'at' must give its time zone (…Z)")
        parts = rec.get("parts", {})
        if not isinstance(parts, dict) or len(parts) > 2000 or not all(
                isinstance(k, str) and _PART.match(k) and isinstance(v, str) and _FINGERPRINT.match(v)
                for k, v in parts.items()):
            raise SignoffError(f"{where}: 'parts' must map part ids to sha256 fingerprints")
        out.append(Signoff(rec["scope"], rec["by"].strip(), rec["role"].strip(), rec["at"],
                           rec["fingerprint"], dict(parts)))
    return out


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def append(path: Path, notice_id: str, record: Signoff) -> None:
    """Add ``record`` to the file (made if missing), keeping every earlier record."""
    existing = read(path)  # refuse to add to a broken file rather than bury the problem
    lines = [] if existing else [
        f"# Sign-off records for {notice_id}: written by `familyprivacy sign-off`; commit with the notice.",
        "# The newest record of each scope counts, while the content still has its fingerprint.",
        f"notice = {_toml_string(notice_id)}",
    ]
    lines += ["", "[[signoff]]", f"scope = {_toml_string(record.scope)}", f"by = {_toml_string(record.by)}",
              f"role = {_toml_string(record.role)}", f"at = {_toml_string(record.at)}",
              f"fingerprint = {_toml_string(record.fingerprint)}", "[signoff.parts]"]
    lines += [f"{_toml_string(k)} = {_toml_string(v)}" for k, v in sorted(record.parts.items())]
    text = ("" if not existing else path.read_text("utf-8").rstrip("\n") + "\n") + "\n".join(lines) + "\n"
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, "utf-8")
    tmp.replace(path)
    if read(path)[-1] != record:  # what was written reads back as the same record
        raise SignoffError(f"{path}: the record did not read back as written")


def sign(notice: Notice, scope: str, by: str, role: str, now: datetime | None = None) -> Signoff:
    """Record that ``by`` (``role``) approves ``scope`` of ``notice`` as it stands now."""
    path = signoff_path(notice)
    if path is None:
        raise SignoffError(f"{notice.id}: not loaded from a file, so there is nowhere to record a sign-off")
    parts = parts_for(notice, scope)
    at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    record = Signoff(scope, by.strip(), role.strip(), at, combined(parts), parts)
    append(path, notice.id, record)
    return record


# --- the state of a notice ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeSignoff:
    notice_id: str
    english: ScopeState
    languages: dict[str, ScopeState]
    problem: str = ""  # the sign-off file is broken: everything counts as unsigned

    def language(self, lang: str) -> ScopeState | None:
        return None if lang == ENGLISH else self.languages.get(lang)

    def shown(self, lang: str) -> dict[str, Any]:
        """The sign-off state of what a family is shown in ``lang``, as a saved record carries it."""
        translation = self.language(lang)
        return {
            "english": self.english.record.public() if self.english.signed and self.english.record else None,
            "translation": (translation.record.public()
                            if translation and translation.signed and translation.record else None),
        }


def _scope_state(notice: Notice, scope: str, records: list[Signoff]) -> ScopeState:
    parts = parts_for(notice, scope)
    now = combined(parts)
    newest = next((r for r in reversed(records) if r.scope == scope), None)
    if newest is None or newest.fingerprint == now:
        return ScopeState(scope, now, newest)
    keys = sorted(set(parts) | set(newest.parts))
    changed = tuple(k for k in keys if parts.get(k) != newest.parts.get(k))
    return ScopeState(scope, now, newest, changed)


def state(notice: Notice, languages: list[str] | tuple[str, ...] = ()) -> NoticeSignoff:
    """English's state, and each of ``languages``' (plus any language with a record)."""
    path = signoff_path(notice)
    problem = ""
    try:
        records = read(path) if path else []
    except SignoffError as exc:
        records, problem = [], str(exc)
    scopes = sorted(({r.scope for r in records} | set(languages)) - {ENGLISH})
    return NoticeSignoff(notice.id, _scope_state(notice, ENGLISH, records),
                         {lang: _scope_state(notice, lang, records) for lang in scopes}, problem)


def translation_signed(notice: Notice, lang: str) -> bool:
    """Is ``lang``'s translation of ``notice`` signed off as it stands? Cheap when it is not: the
    content is hashed only when the file holds a record for that language."""
    if lang == ENGLISH:
        return True  # English is the source: there is no translation to mark
    path = signoff_path(notice)
    if path is None or not path.is_file():
        return False
    try:
        records = [r for r in read(path) if r.scope == lang]
    except SignoffError:
        return False
    return bool(records) and records[-1].fingerprint == combined(language_parts(notice, lang))


def mark_drafts(notice: Notice, lang: str, council_marks: bool) -> bool:
    """Whether the family sees draft translations marked as drafts: always, until the language is
    signed off for this notice; after that, as the council chooses (``mark_draft_translations``)."""
    return lang != ENGLISH and (council_marks or not translation_signed(notice, lang))
