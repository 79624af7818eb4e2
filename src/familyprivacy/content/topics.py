"""The fixed, ordered topic vocabulary and the ICO "right to be informed" checklist."""

from __future__ import annotations

from dataclasses import dataclass

from familyprivacy.i18n import N_


@dataclass(frozen=True)
class Topic:
    id: str
    title: str  # English, marked for translation, translated when shown
    icon: str


TOPICS: tuple[Topic, ...] = (
    Topic("who-we-are", N_("Who we are"), "who"),
    Topic("why-we-use-it", N_("Why we collect and use it"), "why"),
    Topic("what-we-collect", N_("What we collect"), "what"),
    Topic("where-we-get-it", N_("Where we get it from"), "where"),
    Topic("who-we-share-with", N_("Who we share it with"), "share"),
    Topic("how-long-we-keep-it", N_("How long we keep it"), "keep"),
    Topic("keeping-it-safe", N_("Keeping it safe"), "safe"),
    Topic("your-rights", N_("Your rights"), "rights"),
    Topic("how-to-complain", N_("How to complain"), "complain"),
    Topic("your-choices", N_("Your choices"), "choices"),
)
TOPIC_IDS: tuple[str, ...] = tuple(t.id for t in TOPICS)
TOPIC_BY_ID = {t.id: t for t in TOPICS}


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    title: str


ICO_CHECKLIST: tuple[ChecklistItem, ...] = (
    ChecklistItem("controller", "Controller identity and contact details"),
    ChecklistItem("dpo", "Data Protection Officer contact details"),
    ChecklistItem("purposes", "Purposes of the processing"),
    ChecklistItem("lawful-basis", "Lawful basis for the processing"),
    ChecklistItem("legitimate-interests", "Legitimate interests (where relied on)"),
    ChecklistItem("categories", "Categories of personal data"),
    ChecklistItem("recipients", "Recipients or categories of recipients"),
    ChecklistItem("transfers", "Transfers outside the UK"),
    ChecklistItem("retention", "Retention periods"),
    ChecklistItem("rights", "The individual's rights"),
    ChecklistItem("withdraw-consent", "The right to withdraw consent"),
    ChecklistItem("complain-ico", "The right to complain to the ICO"),
    ChecklistItem("source", "The source of the personal data"),
    ChecklistItem("statutory-requirement",
                  "Whether providing data is a statutory or contractual requirement"),
    ChecklistItem("automated-decisions", "Automated decision-making, including profiling"),
)
CHECKLIST_IDS: tuple[str, ...] = tuple(c.id for c in ICO_CHECKLIST)

CHOICE_KINDS: tuple[str, ...] = ("service-agreement", "data-consent", "information-only")
