"""A visit and the decisions made in it, as plain dataclasses with their JSON bodies.

These bodies are the personal content of the store's events: encrypted at rest,
sent to the council's inbox, which turns them into HL7 FHIR ``Consent``
resources. Keep the keys.

Visit body::

    {"visit_id", "council_id", "notice_id", "case_reference",
     "grantors": [{"id", "name", "relationship"}],
     "children": [{"id", "name", "date_of_birth"?}],        # date_of_birth optional, YYYY-MM-DD
     "worker": {"name", "id"},
     "started_at", "ended_at",                             # UTC "…Z"; ended_at null while open
     "language", "content_fingerprint",
     "sections_shown": [{"section_id", "language", "seconds"?}],   # seconds on screen, in all
     "interpreter": {"mode": "none|in-person|phone|video", "language", "reference"},
     "reading_skipped"?: text,    # why the choices came before every topic was shown (absent: all were)
     "content_signoff"?: {"english": SIGNED or null,          # the sign-off of what was shown:
                          "translation": SIGNED or null}}     # null when not signed off
    SIGNED = {"by", "role", "at", "fingerprint"}              # (absent from records made before it)

Decision body::

    {"decision_id", "visit_id", "choice_id",
     "kind": "service-agreement|data-consent|information-only",
     "status": "given|refused|deferred|withdrawn|expired|invalidated",   # W3C DPV consent status
     "grantor_ids": [...], "child_ids": [...],
     "capture": {"method": "signature|verbal",
                 "signature_strokes": [[[x, y, t], ...], ...] or null,  # vector strokes, t in ms
                 "witness": name or null},                              # verbal needs a witness
     "replaces": decision_id or null, "reason": text or null,
     "recorded_by", "recorded_at",            # recorded_at: UTC ISO 8601 with Z
     "local_offset",                          # the laptop's offset then, "+01:00"
     "language", "content_fingerprint"}

Validation errors name the field path (``visit.grantors[1].name``), never its value.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from familyprivacy.consent import checks
from familyprivacy.consent.checks import MAX_REASON as MAX_REASON
from familyprivacy.consent.checks import MAX_STROKE_POINTS as MAX_STROKE_POINTS
from familyprivacy.consent.checks import MAX_TEXT as MAX_TEXT
from familyprivacy.consent.checks import ModelError as ModelError

KINDS = ("service-agreement", "data-consent", "information-only")
STATUSES = ("given", "refused", "deferred", "withdrawn", "expired", "invalidated")
INTERPRETER_MODES = ("none", "in-person", "phone", "video")
CAPTURE_METHODS = ("signature", "verbal")


def new_id() -> str:
    """A random id: says nothing about the family, safe to keep in clear for routing."""
    return str(uuid.uuid4())


def utc_now() -> str:
    """Now, in UTC, as the store's timestamps are written."""
    from datetime import UTC

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def local_offset_now() -> str:
    """The laptop's UTC offset now, as ``+01:00``."""
    offset = datetime.now().astimezone().utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset else 0
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


# --- visit ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Grantor:
    """A person who gives decisions (a parent, a carer, a young person)."""

    id: str
    name: str
    relationship: str  # to the children, e.g. "mother", "special guardian", "self"

    def validate(self, where: str) -> None:
        checks.ident(self.id, f"{where}.id")
        checks.text(self.name, f"{where}.name")
        checks.text(self.relationship, f"{where}.relationship")


@dataclass(frozen=True)
class Child:
    id: str
    name: str
    date_of_birth: str | None = None  # YYYY-MM-DD

    def validate(self, where: str) -> None:
        checks.ident(self.id, f"{where}.id")
        checks.text(self.name, f"{where}.name")
        if self.date_of_birth is not None:
            try:
                date.fromisoformat(checks.text(self.date_of_birth, f"{where}.date_of_birth", 10))
            except ValueError:
                raise ModelError(f"{where}.date_of_birth: must be a date like 2019-04-30") from None


@dataclass(frozen=True)
class Worker:
    name: str
    id: str


@dataclass(frozen=True)
class SectionShown:
    section_id: str
    language: str
    # How long it was on the family's screen, in whole seconds (None on records made before this).
    seconds: int | None = None


@dataclass(frozen=True)
class SignedOff:
    """Who approved the content shown (content/signoff.py), when, and the fingerprint they approved."""

    by: str
    role: str
    at: str
    fingerprint: str

    def validate(self, where: str) -> None:
        checks.text(self.by, f"{where}.by")
        checks.text(self.role, f"{where}.role")
        checks.text(self.at, f"{where}.at", 40)
        if not (self.fingerprint.startswith("sha256:") and len(self.fingerprint) == 71):
            raise ModelError(f"{where}.fingerprint: must be 'sha256:' and 64 hex digits")

    def to_body(self) -> dict[str, str]:
        return {"by": self.by, "role": self.role, "at": self.at, "fingerprint": self.fingerprint}

    @classmethod
    def from_body(cls, body: Any, where: str) -> SignedOff | None:
        if body is None:
            return None
        return cls(**checks.fields(body, where, {"by", "role", "at", "fingerprint"}))


@dataclass(frozen=True)
class ContentSignoff:
    """The sign-off state of what the family was shown: the English content, and the translation
    (None for English). ``None`` in either place: not signed off when shown."""

    english: SignedOff | None = None
    translation: SignedOff | None = None

    def validate(self, where: str) -> None:
        for name in ("english", "translation"):
            value = getattr(self, name)
            if value is not None:
                value.validate(f"{where}.{name}")

    def to_body(self) -> dict[str, Any]:
        return {"english": self.english.to_body() if self.english else None,
                "translation": self.translation.to_body() if self.translation else None}

    @classmethod
    def from_body(cls, body: Any, where: str) -> ContentSignoff:
        b = checks.fields(body, where, {"english", "translation"})
        return cls(SignedOff.from_body(b["english"], f"{where}.english"),
                   SignedOff.from_body(b["translation"], f"{where}.translation"))


@dataclass(frozen=True)
class Interpreter:
    mode: str = "none"  # none | in-person | phone | video
    language: str | None = None
    reference: str | None = None  # the interpreting service's booking or badge reference

    def validate(self, where: str) -> None:
        checks.choice(self.mode, f"{where}.mode", INTERPRETER_MODES)
        if self.mode == "none":
            if self.language is not None or self.reference is not None:
                raise ModelError(f"{where}: no interpreter, so no language or reference")
        else:
            checks.lang(self.language, f"{where}.language")
            checks.opt_text(self.reference, f"{where}.reference")


@dataclass(frozen=True)
class Visit:
    """One visit to a family: who was there, what they were shown, in which language."""

    council_id: str
    notice_id: str
    case_reference: str
    grantors: tuple[Grantor, ...]
    children: tuple[Child, ...]
    worker: Worker
    started_at: str
    ended_at: str | None
    language: str
    content_fingerprint: str
    sections_shown: tuple[SectionShown, ...] = ()
    interpreter: Interpreter = field(default_factory=Interpreter)
    visit_id: str = field(default_factory=new_id)
    # None only on records made before sign-off was recorded (their bodies lack the key).
    content_signoff: ContentSignoff | None = None
    # The worker's reason for going on to the choices before every topic was shown; None: all were.
    reading_skipped: str | None = None

    def validate(self) -> None:
        checks.ident(self.visit_id, "visit.visit_id")
        checks.text(self.council_id, "visit.council_id")
        checks.text(self.notice_id, "visit.notice_id")
        checks.text(self.case_reference, "visit.case_reference")
        if not self.grantors:
            raise ModelError("visit.grantors: at least one person must give decisions")
        for i, grantor in enumerate(checks.items(self.grantors, "visit.grantors")):
            grantor.validate(f"visit.grantors[{i}]")
        for i, child in enumerate(checks.items(self.children, "visit.children")):
            child.validate(f"visit.children[{i}]")
        checks.unique([g.id for g in self.grantors] + [c.id for c in self.children],
                      "visit.grantors/children")
        checks.text(self.worker.name, "visit.worker.name")
        checks.ident(self.worker.id, "visit.worker.id")
        checks.utc(self.started_at, "visit.started_at")
        if self.ended_at is not None and checks.utc(self.ended_at, "visit.ended_at") < self.started_at:
            raise ModelError("visit.ended_at: is before started_at")
        checks.lang(self.language, "visit.language")
        checks.text(self.content_fingerprint, "visit.content_fingerprint")
        for i, shown in enumerate(checks.items(self.sections_shown, "visit.sections_shown", 500)):
            checks.ident(shown.section_id, f"visit.sections_shown[{i}].section_id")
            checks.lang(shown.language, f"visit.sections_shown[{i}].language")
            if shown.seconds is not None and (isinstance(shown.seconds, bool) or not isinstance(
                    shown.seconds, int) or not 0 <= shown.seconds <= 7 * 86400):
                raise ModelError(f"visit.sections_shown[{i}].seconds: must be a whole number of seconds")
        self.interpreter.validate("visit.interpreter")
        if self.content_signoff is not None:
            self.content_signoff.validate("visit.content_signoff")
        checks.opt_text(self.reading_skipped, "visit.reading_skipped", MAX_REASON)

    def to_body(self) -> dict[str, Any]:
        self.validate()
        signed: dict[str, Any] = {}
        if self.content_signoff is not None:
            signed["content_signoff"] = self.content_signoff.to_body()
        if self.reading_skipped is not None:
            signed["reading_skipped"] = self.reading_skipped
        return signed | {
            "visit_id": self.visit_id, "council_id": self.council_id, "notice_id": self.notice_id,
            "case_reference": self.case_reference,
            "grantors": [{"id": g.id, "name": g.name, "relationship": g.relationship}
                         for g in self.grantors],
            "children": [{"id": c.id, "name": c.name}
                         | ({"date_of_birth": c.date_of_birth} if c.date_of_birth else {})
                         for c in self.children],
            "worker": {"name": self.worker.name, "id": self.worker.id},
            "started_at": self.started_at, "ended_at": self.ended_at, "language": self.language,
            "content_fingerprint": self.content_fingerprint,
            "sections_shown": [{"section_id": s.section_id, "language": s.language}
                               | ({} if s.seconds is None else {"seconds": s.seconds})
                               for s in self.sections_shown],
            "interpreter": {"mode": self.interpreter.mode, "language": self.interpreter.language,
                            "reference": self.interpreter.reference},
        }

    @classmethod
    def from_body(cls, body: Any) -> Visit:
        b = checks.fields(body, "visit", {"visit_id", "council_id", "notice_id", "case_reference", "grantors",
                                    "children", "worker", "started_at", "ended_at", "language",
                                    "content_fingerprint", "sections_shown", "interpreter"},
                         frozenset({"content_signoff", "reading_skipped"}))
        grantors = tuple(
            Grantor(**checks.fields(g, f"visit.grantors[{i}]", {"id", "name", "relationship"}))
            for i, g in enumerate(checks.items(b["grantors"], "visit.grantors")))
        children = tuple(
            Child(**checks.fields(c, f"visit.children[{i}]", {"id", "name"}, frozenset({"date_of_birth"})))
            for i, c in enumerate(checks.items(b["children"], "visit.children")))
        shown = tuple(
            SectionShown(**checks.fields(s, f"visit.sections_shown[{i}]", {"section_id", "language"},
                                         frozenset({"seconds"})))
            for i, s in enumerate(checks.items(b["sections_shown"], "visit.sections_shown", 500)))
        visit = cls(
            visit_id=b["visit_id"], council_id=b["council_id"], notice_id=b["notice_id"],
            case_reference=b["case_reference"], grantors=grantors, children=children,
            worker=Worker(**checks.fields(b["worker"], "visit.worker", {"name", "id"})),
            started_at=b["started_at"], ended_at=b["ended_at"], language=b["language"],
            content_fingerprint=b["content_fingerprint"], sections_shown=shown,
            interpreter=Interpreter(**checks.fields(b["interpreter"], "visit.interpreter",
                                                    {"mode", "language", "reference"})),
            content_signoff=(ContentSignoff.from_body(b["content_signoff"], "visit.content_signoff")
                             if "content_signoff" in b else None),
            reading_skipped=b.get("reading_skipped"),
        )
        visit.validate()
        return visit


# --- decision -------------------------------------------------------------------------------------

Stroke = tuple[tuple[float, float, float], ...]


def _check_strokes(strokes_in: Any, where: str) -> None:
    strokes = checks.items(strokes_in, where, 500)
    if not strokes:
        raise ModelError(f"{where}: a signature needs at least one stroke")
    total = 0
    for i, stroke in enumerate(strokes):
        points = checks.items(stroke, f"{where}[{i}]", MAX_STROKE_POINTS)
        total += len(points)
        if not checks.are_points(points):
            raise ModelError(f"{where}[{i}]: points must be [x, y, t] numbers")
    if total > MAX_STROKE_POINTS:
        raise ModelError(f"{where}: more than {MAX_STROKE_POINTS} points")


def _strokes_body(strokes: tuple[Stroke, ...]) -> list[list[list[float]]]:
    return [list(map(list, stroke)) for stroke in strokes]


def _strokes_from_body(raw: Any, where: str) -> tuple[Stroke, ...]:
    return tuple(
        tuple(tuple(p) if isinstance(p, list) else p
              for p in checks.items(s, f"{where}.stroke", MAX_STROKE_POINTS))
        for s in checks.items(raw, where, 500))


def answers_digest(content_fingerprint: str, answers: dict[str, str], grantor_ids: tuple[str, ...]) -> str:
    """What a signature is bound to: the content shown, every answer, and who gave them. A person
    signs after reviewing the answers; any change to them gives another digest, so the signature no
    longer fits and everyone signs again."""
    import hashlib
    import json

    canonical = json.dumps({"content_fingerprint": content_fingerprint, "answers": answers,
                            "grantor_ids": sorted(grantor_ids)}, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Signer:
    """One person's own signature under the answers they reviewed (``answers_digest``)."""

    grantor_id: str
    strokes: tuple[Stroke, ...]
    answers_digest: str

    def validate(self, where: str) -> None:
        checks.ident(self.grantor_id, f"{where}.grantor_id")
        _check_strokes(self.strokes, f"{where}.strokes")
        digest = checks.text(self.answers_digest, f"{where}.answers_digest", 71)
        if not digest.startswith("sha256:") or len(digest) != 71:
            raise ModelError(f"{where}.answers_digest: must be 'sha256:' and 64 hex digits")

    def to_body(self) -> dict[str, Any]:
        return {"grantor_id": self.grantor_id, "strokes": _strokes_body(self.strokes),
                "answers_digest": self.answers_digest}

    @classmethod
    def from_body(cls, body: Any, where: str) -> Signer:
        b = checks.fields(body, where, {"grantor_id", "strokes", "answers_digest"})
        return cls(b["grantor_id"], _strokes_from_body(b["strokes"], f"{where}.strokes"), b["answers_digest"])


@dataclass(frozen=True)
class Capture:
    """How a decision was captured: signed on screen by each person who decided (``signers``, each
    bound to the answers they reviewed), or said aloud before a witness. ``signature_strokes`` is
    the single signature of records made before each person signed for themselves."""

    method: str  # signature | verbal
    signature_strokes: tuple[Stroke, ...] | None = None
    witness: str | None = None
    signers: tuple[Signer, ...] = ()

    def validate(self, where: str) -> None:
        checks.choice(self.method, f"{where}.method", CAPTURE_METHODS)
        if self.method == "verbal":
            checks.text(self.witness, f"{where}.witness")
            if self.signature_strokes is not None or self.signers:
                raise ModelError(f"{where}.signature_strokes: a verbal decision has no signature")
            return
        checks.opt_text(self.witness, f"{where}.witness")
        if self.signers:
            if self.signature_strokes is not None:
                raise ModelError(f"{where}.signature_strokes: each person signs in signers instead")
            for i, signer in enumerate(checks.items(self.signers, f"{where}.signers")):
                signer.validate(f"{where}.signers[{i}]")
            checks.unique([s.grantor_id for s in self.signers], f"{where}.signers")
            if len({s.answers_digest for s in self.signers}) != 1:
                raise ModelError(f"{where}.signers: everyone signs the same answers")
            return
        _check_strokes(self.signature_strokes, f"{where}.signature_strokes")

    def to_body(self) -> dict[str, Any]:
        strokes = None if self.signature_strokes is None else _strokes_body(self.signature_strokes)
        body: dict[str, Any] = {"method": self.method, "signature_strokes": strokes, "witness": self.witness}
        if self.signers:  # absent from older records, whose bodies stay as they were
            body["signers"] = [s.to_body() for s in self.signers]
        return body

    @classmethod
    def from_body(cls, body: Any) -> Capture:
        b = checks.fields(body, "decision.capture", {"method", "signature_strokes", "witness"},
                          frozenset({"signers"}))
        raw = b["signature_strokes"]
        strokes = None if raw is None else _strokes_from_body(raw, "decision.capture.signature_strokes")
        signers = tuple(Signer.from_body(s, f"decision.capture.signers[{i}]")
                        for i, s in enumerate(checks.items(b.get("signers", []), "decision.capture.signers")))
        return cls(method=b["method"], signature_strokes=strokes, witness=b["witness"], signers=signers)


@dataclass(frozen=True)
class Decision:
    """One choice at one moment. A change is a new Decision whose ``replaces`` names the earlier one."""

    visit_id: str
    choice_id: str
    kind: str  # service-agreement | data-consent | information-only
    status: str  # given | refused | deferred | withdrawn | expired | invalidated
    grantor_ids: tuple[str, ...]
    child_ids: tuple[str, ...]
    capture: Capture
    recorded_by: str
    language: str
    content_fingerprint: str
    replaces: str | None = None
    reason: str | None = None
    recorded_at: str = field(default_factory=utc_now)
    local_offset: str = field(default_factory=local_offset_now)
    decision_id: str = field(default_factory=new_id)

    def validate(self) -> None:
        checks.ident(self.decision_id, "decision.decision_id")
        checks.ident(self.visit_id, "decision.visit_id")
        checks.ident(self.choice_id, "decision.choice_id")
        checks.choice(self.kind, "decision.kind", KINDS)
        checks.choice(self.status, "decision.status", STATUSES)
        grantors = [checks.ident(g, "decision.grantor_ids[]") for g in checks.items(self.grantor_ids,
                                                                       "decision.grantor_ids")]
        if not grantors:
            raise ModelError("decision.grantor_ids: someone must give the decision")
        checks.unique(grantors, "decision.grantor_ids")
        children = [checks.ident(c, "decision.child_ids[]")
                    for c in checks.items(self.child_ids, "decision.child_ids")]
        checks.unique(children, "decision.child_ids")
        self.capture.validate("decision.capture")
        if self.capture.signers and {s.grantor_id for s in self.capture.signers} != set(grantors):
            raise ModelError("decision.capture.signers: each person who gave the decision signs for "
                             "themselves")
        if self.replaces is not None:
            checks.ident(self.replaces, "decision.replaces")
            if self.replaces == self.decision_id:
                raise ModelError("decision.replaces: a decision cannot replace itself")
        checks.opt_text(self.reason, "decision.reason", MAX_REASON)
        checks.text(self.recorded_by, "decision.recorded_by")
        checks.utc(self.recorded_at, "decision.recorded_at")
        if not isinstance(self.local_offset, str) or not checks.OFFSET.fullmatch(self.local_offset):
            raise ModelError("decision.local_offset: must be an offset like +01:00")
        checks.lang(self.language, "decision.language")
        checks.text(self.content_fingerprint, "decision.content_fingerprint")

    def to_body(self) -> dict[str, Any]:
        self.validate()
        return {
            "decision_id": self.decision_id, "visit_id": self.visit_id, "choice_id": self.choice_id,
            "kind": self.kind, "status": self.status, "grantor_ids": list(self.grantor_ids),
            "child_ids": list(self.child_ids), "capture": self.capture.to_body(),
            "replaces": self.replaces, "reason": self.reason, "recorded_by": self.recorded_by,
            "recorded_at": self.recorded_at, "local_offset": self.local_offset,
            "language": self.language, "content_fingerprint": self.content_fingerprint,
        }

    @classmethod
    def from_body(cls, body: Any) -> Decision:
        b = checks.fields(body, "decision", {"decision_id", "visit_id", "choice_id", "kind", "status",
                                       "grantor_ids", "child_ids", "capture", "replaces", "reason",
                                       "recorded_by", "recorded_at", "local_offset", "language",
                                       "content_fingerprint"})
        decision = cls(
            decision_id=b["decision_id"], visit_id=b["visit_id"], choice_id=b["choice_id"],
            kind=b["kind"], status=b["status"],
            grantor_ids=tuple(checks.items(b["grantor_ids"], "decision.grantor_ids")),
            child_ids=tuple(checks.items(b["child_ids"], "decision.child_ids")),
            capture=Capture.from_body(b["capture"]), replaces=b["replaces"], reason=b["reason"],
            recorded_by=b["recorded_by"], recorded_at=b["recorded_at"], local_offset=b["local_offset"],
            language=b["language"], content_fingerprint=b["content_fingerprint"],
        )
        decision.validate()
        return decision
