"""The shapes the inbox accepts, version 1: exactly what its exports (FHIR R5, CSV) can represent.

Every request body is checked here, by pydantic in strict mode, before anything else reads it:
no unknown fields, no coercion ("5" is not 5), timestamps in RFC 3339 with an offset, codes in
``[a-z0-9-]``, no control characters in names, signatures in canonical base64. The same models
describe the API in its OpenAPI document (``server/openapi.py``), so the document and the
checks cannot drift apart.

Error messages name the field path, never its value: a body is personal content.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

SCHEMA_VERSION = 1
MAX_TEXT = 200
MAX_REASON = 2000
MAX_STROKES = 500
MAX_STROKE_POINTS = 20000

_NO_CONTROL = r"\x00-\x1f\x7f-\x9f"


def _real_moment(value: str) -> str:
    """The pattern proved the form; this proves a real moment that UTC can hold."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        moment.astimezone(UTC)
    except ValueError:
        raise ValueError("is not a real date and time") from None
    except OverflowError:
        raise ValueError("is outside the years UTC can hold") from None
    return value


def _real_date(value: str) -> str:
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError("is not a real date") from None
    return value


def _canonical_signature(value: str) -> str:
    """Base64 has more than one spelling of the same bytes; only the canonical one is accepted, so a
    stored signature compares equal to the laptop's own copy of it."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("is not base64") from None
    if len(raw) != 64 or base64.b64encode(raw).decode("ascii") != value:
        raise ValueError("is not a 64-byte signature in canonical base64")
    return value


# Text a person reads: 1 to 200 characters, not only spaces, no control characters.
Text = Annotated[str, StringConstraints(
    min_length=1, max_length=MAX_TEXT,
    pattern=rf"^[^{_NO_CONTROL}]*[^\s{_NO_CONTROL}][^{_NO_CONTROL}]*$")]
# A reason may run to paragraphs: tabs and new lines allowed, other control characters not.
LongText = Annotated[str, StringConstraints(
    min_length=1, max_length=MAX_REASON,
    pattern=r"^[^\x00-\x08\x0b-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b-\x1f\x7f-\x9f]*$")]
# Ids the laptop makes (uuids, w1, g1): letters, digits and . _ : / -
Ident = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$")]
# Codes of the council's content, as FHIR codes: lower-case letters, digits and -
Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
NoticeId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,62}/[a-z0-9][a-z0-9-]{0,62}$")]
Lang = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8}){0,3}$")]
Hex64 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Fingerprint = Annotated[str, StringConstraints(pattern=r"^sha256:[0-9a-f]{64}$")]
Timestamp = Annotated[str, StringConstraints(
    pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|[+-][0-9]{2}:[0-9]{2})$"),
    AfterValidator(_real_moment)]
Offset = Annotated[str, StringConstraints(pattern=r"^[+-](0[0-9]|1[0-4]):[0-5][0-9]$")]
BirthDate = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                      AfterValidator(_real_date)]
Signature = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+/]{85}[AQgw]==$"),
                      AfterValidator(_canonical_signature)]
Coordinate = Annotated[float, Field(allow_inf_nan=False)]
Point = Annotated[list[Coordinate], Field(min_length=3, max_length=3)]
Stroke = Annotated[list[Point], Field(min_length=1, max_length=MAX_STROKE_POINTS)]
Strokes = Annotated[list[Stroke], Field(min_length=1, max_length=MAX_STROKES)]
Label = Annotated[str, StringConstraints(max_length=MAX_TEXT, pattern=rf"^[^{_NO_CONTROL}]*$")]
Kind = Literal["service-agreement", "data-consent", "information-only"]
Status = Literal["given", "refused", "deferred", "withdrawn", "expired", "invalidated"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Person(_Strict):
    id: Ident
    name: Text


class Grantor(Person):
    relationship: Text


class Child(Person):
    date_of_birth: BirthDate | None = None


class Worker(_Strict):
    name: Text
    id: Ident


class SectionShown(_Strict):
    section_id: Ident
    language: Lang
    seconds: Annotated[int, Field(ge=0, le=7 * 86400)] | None = None


class Interpreter(_Strict):
    mode: Literal["none", "in-person", "phone", "video"]
    language: Lang | None
    reference: Text | None


class SignedOff(_Strict):
    by: Text
    role: Text
    at: Timestamp
    fingerprint: Fingerprint


class ContentSignoff(_Strict):
    english: SignedOff | None
    translation: SignedOff | None


class VisitBody(_Strict):
    """Who was there, what they were shown and in which language."""

    visit_id: Ident
    council_id: Code
    notice_id: NoticeId
    case_reference: Text
    grantors: Annotated[list[Grantor], Field(min_length=1, max_length=50)]
    children: Annotated[list[Child], Field(max_length=50)]
    worker: Worker
    started_at: Timestamp
    ended_at: Timestamp | None
    language: Lang
    content_fingerprint: Fingerprint
    sections_shown: Annotated[list[SectionShown], Field(max_length=500)]
    interpreter: Interpreter
    content_signoff: ContentSignoff | None = None
    reading_skipped: LongText | None = None

    @model_validator(mode="after")
    def _people_once(self) -> VisitBody:
        ids = [p.id for p in self.grantors] + [c.id for c in self.children]
        if len(set(ids)) != len(ids):
            raise ValueError("the same person id appears twice in grantors and children")
        if self.council_id != self.notice_id.split("/")[0]:
            raise ValueError("notice_id belongs to another council than council_id")
        return self


class Signer(_Strict):
    grantor_id: Ident
    strokes: Strokes
    answers_digest: Fingerprint


class Capture(_Strict):
    method: Literal["signature", "verbal"]
    signature_strokes: Strokes | None
    witness: Text | None
    signers: Annotated[list[Signer], Field(max_length=50)] | None = None

    @model_validator(mode="after")
    def _one_way(self) -> Capture:
        if self.method == "verbal":
            if self.witness is None or self.signature_strokes is not None or self.signers:
                raise ValueError("a verbal decision has a witness and no signature")
        elif (self.signature_strokes is None) == (not self.signers):
            raise ValueError("a signed decision has either signature_strokes or signers")
        for strokes in [self.signature_strokes or []] + [s.strokes for s in self.signers or []]:
            if sum(map(len, strokes)) > MAX_STROKE_POINTS:
                raise ValueError(f"a signature has more than {MAX_STROKE_POINTS} points")
        return self


class DecisionBody(_Strict):
    """One choice at one moment, by the people named in its visit."""

    decision_id: Ident
    visit_id: Ident
    choice_id: Code
    kind: Kind
    status: Status
    grantor_ids: Annotated[list[Ident], Field(min_length=1, max_length=50)]
    child_ids: Annotated[list[Ident], Field(max_length=50)]
    capture: Capture
    replaces: Ident | None
    reason: LongText | None
    recorded_by: Text
    recorded_at: Timestamp
    local_offset: Offset
    language: Lang
    content_fingerprint: Fingerprint

    @model_validator(mode="after")
    def _people(self) -> DecisionBody:
        if len(set(self.grantor_ids)) != len(self.grantor_ids) or len(set(self.child_ids)) != len(
                self.child_ids):
            raise ValueError("the same person id appears twice")
        if self.capture.signers and {s.grantor_id for s in self.capture.signers} != set(self.grantor_ids):
            raise ValueError("each person who gave the decision signs for themselves")
        if self.replaces == self.decision_id:
            raise ValueError("a decision cannot replace itself")
        return self


class EventHeader(_Strict):
    """Routing facts that identify no person, and the SHA-256 of the body. Signed by the laptop."""

    v: Literal[1]
    event_id: Ident
    device_id: Ident
    seq: Annotated[int, Field(ge=1, le=2**53)]
    prev: Hex64
    type: Literal["visit", "decision"]
    council_id: Code
    notice_id: NoticeId
    recorded_at: Timestamp
    body_sha256: Hex64


class Event(_Strict):
    """One signed event: ``hash`` is the SHA-256 of the header's canonical JSON, ``sig`` its Ed25519
    signature by the device's key. The body is a VisitBody or a DecisionBody, as the header's type
    says."""

    header: EventHeader
    body: VisitBody | DecisionBody
    hash: Hex64
    sig: Signature


class _EventParts(_Strict):
    header: dict[str, Any]
    body: dict[str, Any]
    hash: Hex64
    sig: Signature


def check_event(data: Any, root: str = "event") -> tuple[EventHeader, VisitBody | DecisionBody]:
    """An Event, checked header first and then the body against the header's type, so an error
    names the fields of the right kind of body."""
    parts = check(_EventParts, data, root)
    header = check(EventHeader, parts.header, f"{root}.header")
    body: VisitBody | DecisionBody = check(VisitBody if header.type == "visit" else DecisionBody,
                                           parts.body, f"{root}.body")
    if header.council_id != header.notice_id.split("/")[0]:
        raise SchemaError(f"{root}.header.notice_id: belongs to another council than council_id")
    if isinstance(body, VisitBody) and (body.notice_id, body.council_id) != (header.notice_id,
                                                                             header.council_id):
        raise SchemaError(f"{root}.body.notice_id: differs from the header's")
    return header, body


class PushRequest(_Strict):
    """A batch of events, oldest first. Each is checked on its own: see PushResponse."""

    events: list[Any] = Field(description="Each an Event; one that is not is refused alone, "
                                                     "as 'invalid', and stops the batch there.")


class EnrolRequest(_Strict):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,100}$")]
    device_id: Ident
    public_key: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$")] = Field(
        description="The device's Ed25519 public key, 32 bytes in canonical base64")
    label: Label | None = None


class ActionsRequest(_Strict):
    event_ids: Annotated[list[Ident], Field(min_length=1, max_length=10_000)]


class SchemaError(ValueError):
    """A body that does not fit its schema; the message names fields, never values."""


_FIELD = re.compile(r"[a-z][a-z0-9_]{0,39}")
_PLAIN = {
    "missing": "is missing",
    "extra_forbidden": "is not a field of this version",
    "string_pattern_mismatch": "is not in the allowed form",
    "string_type": "must be text",
    "string_unicode": "must be text without unpaired surrogates",
    "int_type": "must be a whole number",
    "float_type": "must be a number",
    "finite_number": "must be a finite number",
    "list_type": "must be a list",
    "model_type": "must be an object",
    "dict_type": "must be an object",
    "literal_error": "is not one of the allowed values",
    "too_short": "has too few items",
    "too_long": "has too many items",
    "string_too_short": "must not be empty",
    "string_too_long": "is too long",
}


def _where(loc: tuple[int | str, ...], root: str) -> str:
    parts = [root]
    for part in loc:
        if isinstance(part, int):
            parts[-1] += f"[{part}]"
        elif _FIELD.fullmatch(part):
            parts.append(part)
        elif part in ("VisitBody", "DecisionBody"):
            continue  # the union's branch: the before-validator already chose it
        else:  # a key sent by the client may itself be personal text
            parts.append("(a field)")
    return ".".join(parts)


def plain_errors(exc: ValidationError, root: str, limit: int = 3) -> str:
    """The first few errors as "event.body.grantors[0].name: is not in the allowed form"."""
    errors = exc.errors(include_input=False, include_url=False, include_context=False)
    lines = []
    for error in errors[:limit]:
        kind = error["type"]
        message = _PLAIN.get(kind) or (error["msg"].removeprefix("Value error, ") if kind == "value_error"
                                       else error["msg"])
        lines.append(f"{_where(tuple(error['loc']), root)}: {message}")
    more = f" (and {len(errors) - limit} more)" if len(errors) > limit else ""
    return "; ".join(lines) + more


def check(model: type[_Strict], data: Any, root: str) -> Any:
    """``data`` as ``model``, or SchemaError naming what is wrong."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise SchemaError(plain_errors(exc, root)) from None
    except RecursionError:
        raise SchemaError(f"{root}: is nested too deeply") from None
