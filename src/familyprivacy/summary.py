"""The family's summary of a visit: what they chose, what it means, how to change their mind.

Qt-free: it renders HTML from the autoescaped ``summary.html`` template in the
family's language, with dates in their locale. The UI prints it or writes it
to a PDF the worker places; nothing here writes a file.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from babel.dates import format_date, format_time

from familyprivacy.consent.model import Decision, Visit
from familyprivacy.content.localize import ChoiceView, NoticeView, Text
from familyprivacy.content.templating import environment
from familyprivacy.i18n import N_, catalogs
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
    when: str = ""  # the date of this decision, in the family's locale
    earlier: tuple[str, ...] = ()  # what was decided before, each with its date ("Yes, 3 May 2026")
    signed_by: tuple[tuple[str, str], ...] = ()  # (name, image resource) for each person who signed


@dataclass(frozen=True)
class Summary:
    html: str
    qr_png: bytes | None  # to add to the document as QR_IMAGE_NAME, where the notice has an address
    rtl: bool
    # Each signature's strokes under the image name the HTML uses; the UI draws them (summary_pdf).
    signatures: dict[str, tuple[tuple[tuple[float, float, float], ...], ...]] = field(default_factory=dict)
    language: str = "en"  # the language it is written in: the one the family was shown


def signature_image_name(grantor_id: str) -> str:
    return f"signature-{grantor_id}.png"


def _meaning(choice: ChoiceView, status: str) -> Text | None:
    if choice.kind == "information-only":
        return choice.explanation
    return {"given": choice.if_yes, "refused": choice.if_no}.get(status)


def qr_png(address: str) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(address, error="m").save(out, kind="png", scale=4, border=2)
    return out.getvalue()


def build(view: NoticeView, visit: Visit, decisions: dict[str, Decision],
          history: list[Decision] | None = None) -> Summary:
    """``decisions`` maps choice id to its current decision (``Store.current_decisions``); ``history``
    is every decision of the visit (``Store.decisions``), so a summary after a change says what was
    decided before, and when."""
    locale = babel_locale(view.language)

    def _(message: str) -> str:
        """In the language the family was shown, whatever the interface's is now (Records, later)."""
        return catalogs().lookup("familyprivacy", message, None, view.language).text

    names = {g.id: _(RELATIONSHIP_NOTE).format(name=g.name, relationship=_(g.relationship))
             for g in visit.grantors}
    plain_names = {g.id: g.name for g in visit.grantors}
    children = {c.id: c.name for c in visit.children}

    def date(stamp: str) -> str:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone()
        return format_date(moment, "long", locale=locale)

    chosen = []
    signatures: dict[str, tuple[tuple[tuple[float, float, float], ...], ...]] = {}
    for choice in view.choices:
        decision = decisions.get(choice.id)
        if decision is None:
            continue
        info = choice.kind == "information-only"
        earlier = tuple(
            _("{answer}, {date}").format(answer=_("We explained this to you") if info
                                          else _(STATUS_LABELS[d.status]), date=date(d.recorded_at))
            for d in (history or []) if d.choice_id == choice.id and d.decision_id != decision.decision_id)
        signed_by = []
        for signer in decision.capture.signers:
            name = signature_image_name(signer.grantor_id)
            signatures[name] = signer.strokes
            signed_by.append((plain_names.get(signer.grantor_id, signer.grantor_id), name))
        chosen.append(SummaryChoice(
            title=choice.title,
            status=decision.status,
            status_label=_("We explained this to you") if info else _(STATUS_LABELS[decision.status]),
            information_only=info,
            meaning=_meaning(choice, decision.status),
            withdraw=choice.withdraw,
            people=", ".join(names.get(g, "") for g in decision.grantor_ids),
            children=", ".join(children.get(c, "") for c in decision.child_ids),
            when=date(decision.recorded_at), earlier=earlier, signed_by=tuple(signed_by),
        ))
    started = datetime.fromisoformat(visit.started_at.replace("Z", "+00:00")).astimezone()
    website = view.council.get("website", "")
    html = environment().get_template("summary.html").render(
        view=view, visit=visit, choices=chosen, lang=view.language, rtl=is_rtl(view.language),
        # The date in the family's words; the time isolated left to right (LRI ... PDI), so "1:41 PM"
        # never turns into "PM 1:41" inside right-to-left text.
        when=(f"{format_date(started, 'long', locale=locale)} "
              f"\u2066{format_time(started, 'short', locale=locale)}\u2069"),
        website=website, qr_image=QR_IMAGE_NAME if website else "",
        interpreter=visit.interpreter.mode != "none", _=_,
    )
    return Summary(html, qr_png(website) if website else None, is_rtl(view.language), signatures,
                   view.language)
