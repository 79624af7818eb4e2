"""The family's summary of a visit: what they chose, what it means, how to change their mind.

Qt-free: it renders HTML from the autoescaped ``summary.html`` template in the
family's language, with dates in their locale. The UI prints it or writes it
to a PDF the worker places; nothing here writes a file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from babel.dates import format_datetime

from familyprivacy.consent.model import Decision, Visit
from familyprivacy.content.localize import ChoiceView, NoticeView, Text
from familyprivacy.content.templating import environment
from familyprivacy.i18n import N_, _
from familyprivacy.i18n.languages import babel_locale, is_rtl

QR_IMAGE_NAME = "notice-qr.png"

STATUS_LABELS = {
    "given": N_("Yes"),
    "refused": N_("No"),
    "deferred": N_("We want time to think"),
    "withdrawn": N_("Withdrawn"),
    "expired": N_("Expired"),
    "invalidated": N_("No longer valid"),
}
RELATIONSHIP_NOTE = N_("{name} ({relationship})")


@dataclass(frozen=True)
class SummaryChoice:
    title: Text
    status: str
    status_label: str
    information_only: bool
    meaning: Text | None  # what happens now, from the notice's own words
    withdraw: Text
    people: str
    children: str


@dataclass(frozen=True)
class Summary:
    html: str
    qr_png: bytes | None  # to add to the document as QR_IMAGE_NAME, where the notice has an address
    rtl: bool


def _meaning(choice: ChoiceView, status: str) -> Text | None:
    if choice.kind == "information-only":
        return choice.explanation
    return {"given": choice.if_yes, "refused": choice.if_no}.get(status)


def qr_png(address: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(address, error="m").save(out, kind="png", scale=4, border=2)
    return out.getvalue()


def build(view: NoticeView, visit: Visit, decisions: dict[str, Decision]) -> Summary:
    """``decisions`` maps choice id to its current decision (``Store.current_decisions``)."""
    locale = babel_locale(view.language)
    names = {g.id: _(RELATIONSHIP_NOTE).format(name=g.name, relationship=_(g.relationship))
             for g in visit.grantors}
    children = {c.id: c.name for c in visit.children}
    chosen = []
    for choice in view.choices:
        decision = decisions.get(choice.id)
        if decision is None:
            continue
        info = choice.kind == "information-only"
        chosen.append(SummaryChoice(
            title=choice.title,
            status=decision.status,
            status_label=_("We explained this to you") if info else _(STATUS_LABELS[decision.status]),
            information_only=info,
            meaning=_meaning(choice, decision.status),
            withdraw=choice.withdraw,
            people=", ".join(names.get(g, "") for g in decision.grantor_ids),
            children=", ".join(children.get(c, "") for c in decision.child_ids),
        ))
    started = datetime.fromisoformat(visit.started_at.replace("Z", "+00:00")).astimezone()
    website = view.council.get("website", "")
    html = environment().get_template("summary.html").render(
        view=view, visit=visit, choices=chosen, lang=view.language, rtl=is_rtl(view.language),
        when=format_datetime(started, "long", locale=locale).replace(" GMT", "").replace(" UTC", ""),
        website=website, qr_image=QR_IMAGE_NAME if website else "",
        interpreter=visit.interpreter.mode != "none", _=_,
    )
    return Summary(html, qr_png(website) if website else None, is_rtl(view.language))
