"""From what happened on screen to the records the store keeps: one visit event, one decision per choice.

No Qt here: the screens gather answers and people, this turns them into checked
``consent.model`` objects and saves them, so the bench and the tests can do the
same without a window.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from familyprivacy import visit as session
from familyprivacy.consent.cli import worker_slug
from familyprivacy.consent.errors import UnknownRecord
from familyprivacy.consent.model import (
    ContentSignoff,
    Decision,
    ModelError,
    SectionShown,
    SignedOff,
    Signer,
    Visit,
    Worker,
    answers_digest,
)
from familyprivacy.consent.store import Store
from familyprivacy.content import signoff
from familyprivacy.content.localize import NoticeView
from familyprivacy.content.model import Notice
from familyprivacy.i18n import N_
from familyprivacy.ui.people_form import People


def _utc(stamp: str) -> str:
    when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def worker_for(store: Store) -> Worker:
    name = store.worker_name()
    return Worker(name, worker_slug(name))


def content_signoff(notice: Notice, lang: str) -> ContentSignoff:
    """The sign-off state of ``notice`` as shown in ``lang``, as the saved visit carries it."""
    shown = signoff.state(notice, [lang] if lang != signoff.ENGLISH else []).shown(lang)
    return ContentSignoff(*(SignedOff(**shown[k]) if shown[k] else None for k in ("english", "translation")))


def unsigned_reason(state: ContentSignoff, lang: str) -> str:
    """Why content is not approved for recording (a council setting), or "" if it is. Marked for
    translation here, translated for the worker when shown."""
    if state.english is None:
        return N_("the notice's English content is not signed off")
    if lang != signoff.ENGLISH and state.translation is None:
        return N_("its translation into this language is not signed off")
    return ""


def sections_with_time(shown: session.Visit, until: datetime) -> tuple[SectionShown, ...]:
    """Each section shown, in each language, in the order first seen, with how long it was on screen:
    a page stays until the next page is shown (or until ``until``), and every section on it counts."""
    moments = [datetime.fromisoformat(s.at.replace("Z", "+00:00")) for s in shown.shown]
    totals: dict[tuple[str, str], float] = {}
    for i, entry in enumerate(shown.shown):
        later = next((m for m in moments[i + 1:] if m > moments[i]), until)
        totals[(entry.section_id, entry.language)] = (totals.get((entry.section_id, entry.language), 0.0)
                                                      + max((later - moments[i]).total_seconds(), 0.0))
    return tuple(SectionShown(sid, lang, round(seconds)) for (sid, lang), seconds in totals.items())


def build(shown: session.Visit, family: NoticeView, answers: dict[str, str], people: People,
          worker: Worker, signed: ContentSignoff | None = None,
          signers: tuple[Signer, ...] = ()) -> tuple[Visit, list[Decision]]:
    """The visit as the family saw it, with the sign-off state of that content, and their answers in
    the notice's order. Signed on screen, each decision carries every person's signature (``signers``,
    made on the review and bound to these answers); a signature bound to other answers is refused."""
    capture = people.capture
    if capture.method == "signature" and signers:
        expected = answers_digest(family.fingerprint, answers, tuple(g.id for g in people.grantors))
        if any(s.answers_digest != expected for s in signers):
            raise ModelError("decision.capture.signers: signed for other answers; each person signs again")
        capture = replace(capture, signers=signers)
    sections = sections_with_time(shown, datetime.now(UTC))
    record = Visit(
        council_id=family.council.get("id") or family.notice_id.split("/")[0],
        notice_id=family.notice_id, case_reference=people.case_reference,
        grantors=people.grantors, children=people.children, worker=worker,
        started_at=_utc(shown.started), ended_at=_utc(datetime.now(UTC).isoformat()),
        language=family.language, content_fingerprint=family.fingerprint,
        sections_shown=sections, interpreter=people.interpreter,
        content_signoff=signed if signed is not None else ContentSignoff(),
        reading_skipped=shown.reading_skipped)
    grantor_ids = tuple(g.id for g in people.grantors)
    child_ids = tuple(c.id for c in people.children)
    decisions = [
        Decision(visit_id=record.visit_id, choice_id=choice.id, kind=choice.kind,
                 status=answers[choice.id], grantor_ids=grantor_ids, child_ids=child_ids,
                 capture=capture, recorded_by=worker.id, language=family.language,
                 content_fingerprint=family.fingerprint)
        for choice in family.choices if choice.id in answers]
    record.validate()
    for decision in decisions:
        decision.validate()
    return record, decisions


def save(store: Store, record: Visit, decisions: list[Decision]) -> None:
    """Each event is its own durable transaction: once this returns, all of them survive a crash.

    Saving the same records again after a failure part-way carries on where it stopped,
    so a retry never makes a second copy of the visit or of a decision.
    """
    try:
        store.visit(record.visit_id)
    except UnknownRecord:
        store.record_visit(record)
    done = {d.decision_id for d in store.decisions(record.visit_id)}
    for decision in decisions:
        if decision.decision_id not in done:
            store.record_decision(decision)
