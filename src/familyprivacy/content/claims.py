"""What a family may be told they cannot refuse, and what kind a choice is: contradictions check can see.

Two rules, both from resources/notices/README.md ("What a family may be told they cannot refuse,
and what kind a choice is"). They report; a person reads the council's text and decides.

(a) **Kind against lawful basis.** A choice whose ``lawful_basis`` names consent as the basis must
    be ``data-consent``; a ``data-consent`` choice must name consent there. "We do not need your
    consent", "without your consent", "None of these reasons is your consent" or "If we need your
    consent, we will ask" do not name consent as the basis.

(b) **Refusal claims.** Plain text (a section's ``plain``; a choice's explanation, if_yes, if_no and
    withdraw) that tells the family they cannot refuse ("cannot say no", "saying no does not stop",
    "even if you say no", ...) is a contradiction unless the council's text for it (the section's
    ``official``; the choice's ``source_quote``) states a matching duty or exemption ("without your
    consent", "do not require consent", "even if you", "regardless of", ...). A duty on the council
    ("we must provide them", "statutory") is not a duty on the family, so it does not count.

Rule (b) works in any language with phrases in :data:`PHRASES`: the plain text may be translated,
the council's text is always its English original. Rule (a) reads the English ``lawful_basis``,
which the kind is decided against.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from familyprivacy.content.model import Choice, Notice

DATA_CONSENT = "data-consent"


class Phrases(NamedTuple):
    """One language's words for the claims rule (b) looks for in plain text."""

    # Phrases that tell a family they cannot refuse. Matched case-insensitively, as written, after
    # apostrophes and spaces are normalised (and, in English, "can't"/"can not" read as "cannot").
    refusal: tuple[str, ...]
    # The one word for consent in this language (the glossary term "consent" is translated to it).
    consent: str


PHRASES: dict[str, Phrases] = {
    "en": Phrases(
        refusal=(
            "cannot say no", "cannot refuse", "cannot opt out", "cannot object", "cannot stop this",
            "saying no does not stop", "saying no will not stop",
            "even if you say no", "even if you do not agree", "even if you disagree",
            "even if you do not want", "whether you say yes or no", "whether or not you agree",
            "if you do not agree, we still", "if you say no, we still", "no matter what you say",
            "you have no choice",
        ),
        consent="consent",
    ),
    "pl": Phrases(
        refusal=(
            "nie mogą państwo odmówić", "nie mogą państwo tego odmówić", "nie możesz odmówić",
            "nie mogą państwo się temu sprzeciwić", "nie mogą państwo powiedzieć nie",
            "nie możesz powiedzieć nie", "nie mogą państwo tego zatrzymać",
            "nie mogą państwo zatrzymać", "nawet jeśli państwo się nie zgodzą",
            "nawet jeśli państwo się nie zgadzają", "nawet jeśli powiedzą państwo nie",
            "nawet jeśli powiesz nie", "nawet jeśli się nie zgodzisz",
            "niezależnie od tego, czy państwo się zgodzą", "niezależnie od tego, czy powiedzą państwo tak",
            "odmowa tego nie zatrzyma", "odmowa nie zatrzyma", "jeśli państwo się nie zgodzą, i tak",
        ),
        consent="zgoda",
    ),
    "ro": Phrases(
        refusal=(
            "nu puteți refuza", "nu poți refuza", "nu puteți spune nu", "nu poți spune nu",
            "nu puteți opri", "nu poți opri", "chiar dacă spuneți nu", "chiar dacă spui nu",
            "chiar dacă nu sunteți de acord", "chiar dacă nu ești de acord",
            "fie că spuneți da, fie că spuneți nu", "indiferent dacă spuneți da sau nu",
            "indiferent dacă spui da sau nu", "dacă spuneți nu, acest lucru nu se oprește",
            "dacă spuneți nu, această transmitere nu se oprește", "refuzul nu oprește",
            "dacă nu sunteți de acord, transmitem totuși",
        ),
        consent="consimțământ",
    ),
    "pa": Phrases(
        refusal=(
            "ਨਾਂਹ ਨਹੀਂ ਕਹਿ ਸਕਦੇ", "ਨਾ ਨਹੀਂ ਕਹਿ ਸਕਦੇ", "ਇਨਕਾਰ ਨਹੀਂ ਕਰ ਸਕਦੇ", "ਰੋਕ ਨਹੀਂ ਸਕਦੇ",
            "ਭਾਵੇਂ ਤੁਸੀਂ ਨਾਂਹ ਕਹੋ", "ਭਾਵੇਂ ਤੁਸੀਂ ਨਾ ਕਹੋ", "ਭਾਵੇਂ ਤੁਸੀਂ ਹਾਂ ਕਹੋ ਜਾਂ ਨਾਂਹ",
            "ਭਾਵੇਂ ਤੁਸੀਂ ਹਾਂ ਕਹੋ ਜਾਂ ਨਾ", "ਨਾਂਹ ਕਹਿਣ ਨਾਲ ਇਹ ਨਹੀਂ ਰੁਕਦਾ", "ਨਾਂਹ ਕਹਿਣ ਨਾਲ ਇਹ ਸਾਂਝ ਨਹੀਂ ਰੁਕਦੀ",
            "ਨਾ ਕਹਿਣ ਨਾਲ ਇਹ ਨਹੀਂ ਰੁਕਦਾ", "ਜੇ ਤੁਸੀਂ ਸਹਿਮਤ ਨਾ ਹੋਵੋ", "ਭਾਵੇਂ ਤੁਸੀਂ ਸਹਿਮਤ ਨਾ ਹੋਵੋ",
            "ਜੇ ਤੁਸੀਂ ਸਹਿਮਤ ਨਹੀਂ ਹੋ, ਤਾਂ ਵੀ",
        ),
        consent="ਸਹਿਮਤੀ",
    ),
    "ur": Phrases(
        refusal=(
            "انکار نہیں کر سکتے", "انکار نہیں کر سکتیں", "نہ نہیں کہہ سکتے", "منع نہیں کر سکتے",
            "روک نہیں سکتے", "چاہے آپ نہ کہیں", "اگر آپ نہ بھی کہیں", "چاہے آپ ہاں کہیں یا نہ",
            "نہ کہنے سے یہ نہیں رکتا", "نہ کہنے سے یہ شیئرنگ نہیں رکتی", "جب آپ راضی نہ ہوں",
            "چاہے آپ راضی نہ ہوں", "اگر آپ راضی نہ ہوں، تب بھی",
        ),
        consent="رضامندی",
    ),
    "pt": Phrases(
        refusal=(
            "não pode recusar", "não pode dizer que não", "não pode dizer não", "não pode impedir",
            "mesmo que diga que não", "mesmo que diga não", "mesmo que não concorde",
            "quer diga que sim, quer diga que não", "quer diga sim ou não", "dizer que não não impede",
            "se não concordar, continuamos",
        ),
        consent="consentimento",
    ),
    "es": Phrases(
        refusal=(
            "no puede negarse", "no puedes negarte", "no puede decir que no", "no puedes decir que no",
            "no puede rechazar", "no puede impedir", "aunque diga que no", "aunque digas que no",
            "aunque usted diga que no", "aunque no esté de acuerdo", "aunque usted no esté de acuerdo",
            "aunque no estés de acuerdo", "tanto si dice que sí como si dice que no",
            "decir que no no impide", "si no está de acuerdo, compartimos igualmente",
        ),
        consent="consentimiento",
    ),
    "ar": Phrases(
        refusal=(
            "لا تستطيعون رفض", "لا تستطيعون الرفض", "لا يمكنكم رفض", "لا يمكنكم الرفض", "لا يمكنك الرفض",
            "لا يمكنك رفض", "لا تستطيعون أن تقولوا لا", "لا يمكنك أن تقول لا", "لا تستطيعون إيقاف",
            "حتى لو قلتم لا", "حتى لو قلت لا", "حتى إذا قلتم لا", "حتى لو لم توافقوا", "حتى لو لم توافق",
            "سواء قلتم نعم أو لا", "سواء قلت نعم أو لا", "إذا قلتم لا، فهذا لا يوقف", "الرفض لا يوقف",
            "إذا لم توافقوا، سنظل",
        ),
        consent="الموافقة",
    ),
    "bn": Phrases(
        refusal=(
            "না বলতে পারবেন না", "প্রত্যাখ্যান করতে পারবেন না", "অস্বীকার করতে পারবেন না",
            "বন্ধ করতে পারবেন না", "আপনি না বললেও", "না বললেও এটা বন্ধ হয় না",
            "না বললেও এই শেয়ার বন্ধ হয় না", "আপনি হ্যাঁ বলুন বা না বলুন", "হ্যাঁ বা না যা-ই বলুন",
            "আপনি রাজি না হলেও", "রাজি না হলেও",
        ),
        consent="সম্মতি",
    ),
}

# What the council's (English) text may say that lets plain text say the family cannot refuse:
# an exemption from consent, or a duty on the family. A duty on the council is not one of them.
COUNCIL_EXEMPTIONS: tuple[re.Pattern[str], ...] = tuple(re.compile(p, re.IGNORECASE) for p in (
    r"\bwithout\s+(?:your\s+|their\s+|the\s+person's\s+)?(?:consent|agreement|permission)\b",
    r"\b(?:do|does|will|would)\s+not\s+(?:need|require)\s+(?:your\s+|their\s+)?consent\b",
    r"\bconsent\s+(?:is|will\s+be)\s+not\s+(?:needed|required)\b",
    r"\bno\s+consent\s+is\s+(?:needed|required)\b",
    r"\bwhether\s+or\s+not\s+you\b",
    r"\beven\s+if\s+you\b",
    r"\bregardless\s+of\b",
    r"\byou\s+(?:cannot|can\s*not|can't|may\s+not)\s+(?:refuse|say\s+no|opt\s+out|object)\b",
    r"\byou\s+(?:must|are\s+required\s+(?:by\s+law\s+)?to|have\s+to)\s+(?:provide|give)\b",
))

_CONSENT = re.compile(r"\bconsent(?:s|ed|ing)?\b", re.IGNORECASE)
# Before the word in its clause: the clause says consent is not, or not needed as, the basis.
_NEGATION = re.compile(r"\b(?:not|no|never|without|none|nor|neither|instead\s+of|rather\s+than)\b"
                       r"|n't\b", re.IGNORECASE)
# Before the word in its clause: a condition ("if we need your consent"), not a basis; but
# "only if", "we only do this if" and "if you consent" make consent the basis.
_CONDITION = re.compile(r"\b(?:if|unless|whether)\b", re.IGNORECASE)
_ONLY = re.compile(r"\bonly\b", re.IGNORECASE)
_FAMILY_GIVES = re.compile(r"\s*(?:you|they|the\s+family|the\s+person)\b", re.IGNORECASE)
# After the word in its clause: "consent is not needed".
_NEGATED_AFTER = re.compile(r"^\W*(?:is|are|was|will\s+be)\s+not\b|^\W*isn't\b", re.IGNORECASE)
_CLAUSE = re.compile(r"[.!?;:,()\n—–]|\b(?:but|however|although|though|except|whereas|while)\b",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One contradiction: ``part`` is how check names the section or choice ("choice housing-referral")."""

    part: str
    rule: str  # "kind" or "refusal"
    phrase: str  # the words found
    message: str

    def __str__(self) -> str:
        return f"{self.part}: {self.message}" if self.part else self.message


def _normalise(text: str, lang: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    text = re.sub(r"[’‘ʼ`´]", "'", text)
    text = " ".join(text.split())
    if lang == "en":
        text = re.sub(r"\bcan\s*'?\s*not\b|\bcan't\b", "cannot", text)
        text = re.sub(r"\bdon't\b", "do not", text)
        text = re.sub(r"\bdoesn't\b", "does not", text)
        text = re.sub(r"\bwon't\b", "will not", text)
    return text


def refusal_phrases_in(lang: str, plain_text: str) -> list[str]:
    """The refusal phrases of ``lang`` that ``plain_text`` uses, in list order (none for an unknown
    language: it has no phrases yet, and a later step adds them)."""
    phrases = PHRASES.get(lang) or PHRASES.get(lang.split("-")[0].split("_")[0])
    if phrases is None or not plain_text:
        return []
    text = _normalise(plain_text, lang)
    return [p for p in phrases.refusal if _normalise(p, lang) in text]


def council_states_exemption(official_text: str) -> str | None:
    """The words in the council's text that state a duty on the family or an exemption from consent."""
    for pattern in COUNCIL_EXEMPTIONS:
        found = pattern.search(" ".join(official_text.split()))
        if found:
            return found.group(0)
    return None


def refusal_findings(lang: str, plain_text: str, official_text: str, part: str = "") -> list[Finding]:
    """Rule (b) for one piece of plain text in ``lang`` against the council's (English) text for it."""
    found = refusal_phrases_in(lang, plain_text)
    if not found or council_states_exemption(official_text):
        return []
    return [Finding(part, "refusal", phrase,
                    f"plain text says {phrase!r} but the council's text for it states no duty or "
                    "exemption; a duty on the council is not a duty on the family")
            for phrase in found]


def names_consent(text: str) -> str | None:
    """The clause of ``text`` that names consent as the basis, if any (English)."""
    for match in _CONSENT.finditer(text):
        starts = [m.end() for m in _CLAUSE.finditer(text, 0, match.start())]
        start = starts[-1] if starts else 0
        end_match = _CLAUSE.search(text, match.end())
        end = end_match.start() if end_match else len(text)
        before, after = text[start:match.start()], text[match.end():end]
        condition = _CONDITION.search(before)
        if condition and (_ONLY.search(before, 0, condition.start())
                          or _FAMILY_GIVES.match(before, condition.end())):
            condition = None
        if _NEGATION.search(before) or condition or _NEGATED_AFTER.search(after):
            continue
        return " ".join(text[start:end].split())
    return None


def kind_findings(choice: Choice) -> list[Finding]:
    """Rule (a) for one choice."""
    part = f"choice {choice.id}"
    clause = names_consent(choice.lawful_basis)
    if clause and choice.kind != DATA_CONSENT:
        return [Finding(part, "kind", clause,
                        f"lawful_basis names consent ({clause!r}) but kind is {choice.kind!r}; where "
                        "consent is the basis for the use, the kind is 'data-consent'")]
    if not clause and choice.kind == DATA_CONSENT:
        return [Finding(part, "kind", "",
                        "kind is 'data-consent' but lawful_basis does not name consent as the basis")]
    return []


def choice_plain(choice: Choice) -> str:
    """The plain text of a choice that rule (b) reads."""
    return "\n\n".join(t for t in (choice.explanation, choice.if_yes, choice.if_no, choice.withdraw) if t)


def check_claims(notice: Notice, lang: str = "en") -> list[Finding]:
    """Both rules over a notice's English content."""
    out: list[Finding] = []
    for s in notice.sections:
        out += refusal_findings(lang, s.plain, s.official, f"section {s.id}")
    for c in notice.choices:
        out += kind_findings(c)
        out += refusal_findings(lang, choice_plain(c), c.source_quote, f"choice {c.id}")
    return out


def check_translation(notice: Notice, lang: str) -> list[Finding]:
    """Rule (b) over ``lang``'s translation of the notice: only parts shown in that language (a part
    that falls back to English is the English, checked already)."""
    from familyprivacy.content.localize import localize

    view = localize(notice, lang)
    out: list[Finding] = []
    for s, shown in zip(notice.sections, view.sections, strict=True):
        if shown.plain.language == lang:
            out += refusal_findings(lang, shown.plain.text, s.official, f"{lang} section {s.id}")
    for c, shown_c in zip(notice.choices, view.choices, strict=True):
        texts = [t.text for t in (shown_c.explanation, shown_c.if_yes, shown_c.if_no, shown_c.withdraw)
                 if t.text and t.language == lang]
        out += refusal_findings(lang, "\n\n".join(texts), c.source_quote, f"{lang} choice {c.id}")
    return out
