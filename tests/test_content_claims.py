"""What a family may be told they cannot refuse, and what kind a choice is (content/claims.py).

Each rule fails on the sentences an information-governance review found in the notices, passes on
the corrected wording, and every shipped notice passes check.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from familyprivacy.content.check import check_notice
from familyprivacy.content.claims import (
    PHRASES,
    check_claims,
    council_states_exemption,
    kind_findings,
    names_consent,
    refusal_findings,
    refusal_phrases_in,
)
from familyprivacy.content.loader import load_all, load_notices
from familyprivacy.content.model import Choice, Notice
from tests.notice_factory import notice_toml, write_notice

DUTY = "a duty on the council is not a duty on the family"
# Verbatim sentences of the councils' notices, used as the council's text in the synthetic notices.
CHESHIRE_STATUTORY = "Most of the services we provide are statutory, which means we must provide them."
STOCKTON_HOUSING = ("undertake our statutory duties to refer families as required to local housing "
                    "authorities to reduce homelessness")
STOCKTON_SAFEGUARDING = ("we may collect the following personal information either with your consent if "
                         "accessing Help and Support services, or without consent for safeguarding purposes")
# In the factory's source text, so a choice quoting it passes the verbatim check.
FACTORY_QUOTE = "We share it to keep children safe."


def _choice_toml(cid: str, kind: str, *, explanation: str = "We explain this to you.",
                 if_yes: str = "We do this.", if_no: str = "We do not do this.",
                 withdraw: str = "Tell your worker.", lawful_basis: str = "Our job as a council.",
                 source_quote: str = FACTORY_QUOTE) -> str:
    return (f'\n[[choice]]\nid = "{cid}"\nkind = "{kind}"\ntitle = "A choice"\n'
            f"explanation = '''{explanation}'''\nif_yes = '''{if_yes}'''\nif_no = '''{if_no}'''\n"
            f"withdraw = '''{withdraw}'''\nlawful_basis = '''{lawful_basis}'''\n"
            f"source_quote = '''{source_quote}'''\n")


def _notice(tmp_path: Path, *choices: str, choices_plain: str | None = None,
            glossary: str = "") -> Notice:
    text = notice_toml(extra="".join(choices) + glossary)
    if choices_plain is not None:
        old = 'title = "About your-choices"\nplain = "We are the council. We help you."'
        assert old in text
        text = text.replace(old, f"title = \"About your-choices\"\nplain = '''{choices_plain}'''")
    write_notice(tmp_path, text=text)
    loaded = load_notices([tmp_path])
    assert loaded.errors == []
    return loaded.notices[0]


def _choice(kind: str, lawful_basis: str) -> Choice:
    return Choice("c", kind, "t", "e", "y", "n", "w", lawful_basis, "q")


# ---------------------------------------------------------------- (b) refusal claims

@pytest.mark.parametrize(("old_text", "phrase"), [
    # Cheshire East, your-choices and required-by-law
    ("You cannot say no to:\n- services the law says we must give", "cannot say no"),
    ("Saying no does not stop this. If you do not give us information, we cannot give you support.",
     "saying no does not stop"),
    ("This happens whether you say yes or no. Your worker records that this was explained to you.",
     "whether you say yes or no"),
    # Stockton-on-Tees, your-choices (housing)
    ("You cannot say no to these:\n- We tell housing teams about a family when the law says we must, "
     "to stop them losing their home.", "cannot say no"),
    # Essex, Redcar, early help
    ("Sometimes we share it to keep a child safe from harm. We do this even if you say no.",
     "even if you say no"),
    ("We must share information if we think a child may be at risk. We do this even if you do not agree.",
     "even if you do not agree"),
    ("You can't say no to this.", "cannot say no"),
    ("You cannot stop this sharing.", "cannot stop this"),
])
def test_old_refusal_sentences_fail_against_a_duty_on_the_council(old_text: str, phrase: str) -> None:
    (finding,) = [f for f in refusal_findings("en", old_text, CHESHIRE_STATUTORY) if f.phrase == phrase]
    assert finding.rule == "refusal" and DUTY in finding.message and repr(phrase) in finding.message


def test_old_section_fails_and_corrected_section_passes(tmp_path: Path) -> None:
    old = _notice(tmp_path / "old", choices_plain=(
        "We are the council. Here is what you can choose, and what you cannot.\n\n"
        "You cannot say no to:\n- services the law says we must give\n"))
    assert [(f.part, f.phrase) for f in check_claims(old)] == [("section your-choices", "cannot say no")]
    new = _notice(tmp_path / "new", choices_plain=(
        "We are the council. The law says we must give most of our services. This is a duty on us. "
        "The notice does not say you must take them.\n"))
    assert check_claims(new) == []


def test_old_housing_referral_fails_check_naming_the_choice(tmp_path: Path) -> None:
    notice = _notice(tmp_path, _choice_toml(
        "housing-referral", "information-only",
        explanation="We tell housing teams about a family when the law says we must. You cannot say no "
                    "to this.",
        if_no="Saying no does not stop this."))
    failures = check_notice(notice).failures
    assert ("choice housing-referral: plain text says 'cannot say no' but the council's text for it "
            "states no duty or exemption; a duty on the council is not a duty on the family") in failures
    assert any("'saying no does not stop'" in f for f in failures)


def test_corrected_housing_referral_passes_check(tmp_path: Path) -> None:
    notice = _notice(tmp_path, _choice_toml(
        "housing-referral", "data-consent",
        explanation="The notice says we have a duty to refer families to council housing teams. This is "
                    "our explanation, not the council's words: the law only lets us make this referral "
                    "with your consent. So we will ask for your consent first.",
        if_yes="We refer your family to a council housing team.",
        if_no="We do not refer your family to a council housing team.",
        withdraw="You can take back your consent. Tell your worker.",
        lawful_basis="Your consent. This is our explanation, not the council's words: the law says we may "
                     "only refer you with your consent."),
        glossary='\n[[glossary]]\nterm = "consent"\nmeaning = "Saying yes to let us use information about '
                 'you in a certain way. You can take it back."\n')
    assert check_claims(notice) == []
    assert check_notice(notice).failures == []


def test_a_refusal_claim_passes_where_the_councils_text_states_the_exemption() -> None:
    assert refusal_findings("en", "We may collect it without your consent. You cannot say no to this.",
                            STOCKTON_SAFEGUARDING) == []
    for official in ("We do not require consent as we must comply with our legal obligations.",
                     "We may share it whether or not you agree.", "We share it regardless of your views."):
        assert council_states_exemption(official), official


@pytest.mark.parametrize("official", [
    CHESHIRE_STATUTORY, STOCKTON_HOUSING, "",
    "We must also share information if we think that children and young people may be at risk of "
    "neglect or abuse.",
    "Sometimes we may need to share your information, but we will only do so where it is necessary or "
    "required by law.",
])
def test_a_duty_on_the_council_is_not_an_exemption(official: str) -> None:
    assert council_states_exemption(official) is None
    assert refusal_findings("en", "You cannot say no to this.", official)


def test_honest_wording_about_sharing_without_consent_is_not_a_refusal_claim() -> None:
    for plain in ("We may share without your consent, where the council's text says so.",
                  "The notice does not say we will ask you first.",
                  "The notice does not offer a choice about this sharing.",
                  "You can say no. You can also take back your consent later."):
        assert refusal_phrases_in("en", plain) == [], plain


def test_phrases_for_every_family_language_catch_the_old_translations() -> None:
    assert {"en", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn"} <= set(PHRASES)
    assert all(p.refusal and p.consent for p in PHRASES.values())
    # The catalogs' translations of "You cannot say no to this. We share even if you do not agree."
    old = {
        "pl": "Nie mogą Państwo tego odmówić. Udostępniamy, nawet jeśli Państwo się nie zgadzają.",
        "ro": "Nu puteți spune nu la acest lucru. Transmitem chiar dacă nu sunteți de acord.",
        "pa": "ਤੁਸੀਂ ਇਸ ਲਈ ਨਾਂਹ ਨਹੀਂ ਕਹਿ ਸਕਦੇ। ਅਸੀਂ ਉਦੋਂ ਵੀ ਸਾਂਝੀ ਕਰਦੇ ਹਾਂ ਜੇ ਤੁਸੀਂ ਸਹਿਮਤ ਨਾ ਹੋਵੋ।",
        "ur": "آپ اس سے انکار نہیں کر سکتے۔ ہم تب بھی شیئر کرتے ہیں جب آپ راضی نہ ہوں۔",
        "pt": "Não pode dizer que não a isto. Partilhamos mesmo que não concorde.",
        "es": "No puede decir que no a esto. Compartimos aunque usted no esté de acuerdo.",
        "ar": "لا تستطيعون رفض هذا. نشارك حتى لو لم توافقوا.",
        "bn": "আপনি এতে না বলতে পারবেন না। আপনি রাজি না হলেও আমরা শেয়ার করি।",
    }
    for lang, text in old.items():
        assert refusal_findings(lang, text, CHESHIRE_STATUTORY), lang
        assert refusal_findings(lang, text, STOCKTON_SAFEGUARDING) == [], lang
    assert refusal_findings("ar-XB", old["ar"], CHESHIRE_STATUTORY)  # a language variant uses its base
    assert refusal_findings("xx", "You cannot say no to this.", CHESHIRE_STATUTORY) == []


# ---------------------------------------------------------------- (a) kind against lawful basis

OLD_HELP_AND_SUPPORT_BASIS = (
    "Saying yes to the service is your choice. The notice says we collect information for Help and "
    "Support with your consent (your agreement). For our other work, the notice says we may not need "
    "your agreement.")


def test_old_help_and_support_kind_fails_and_data_consent_passes(tmp_path: Path) -> None:
    old = _notice(tmp_path / "old", _choice_toml("help-and-support-referral", "service-agreement",
                                                 lawful_basis=OLD_HELP_AND_SUPPORT_BASIS))
    (finding,) = check_claims(old)
    assert finding.part == "choice help-and-support-referral" and finding.rule == "kind"
    assert any(f.startswith("choice help-and-support-referral: lawful_basis names consent")
               for f in check_notice(old).failures)
    new = _notice(tmp_path / "new", _choice_toml(
        "help-and-support-referral", "data-consent",
        lawful_basis="Your consent. The notice says we collect information with your consent if you use "
                     "Help and Support."))
    assert check_claims(new) == []


@pytest.mark.parametrize("basis", [
    "The law says we must. The notice says we do not need your consent for this.",
    "It does not need your consent.",
    "This does not require your consent.",
    "We may do this without your consent.",
    "None of these reasons is your consent.",
    "Consent is not needed for this.",
    "If we decide we need your consent, we will ask you for it on its own.",
    "The notice does not say which reason applies. It does not name consent for this help.",
])
def test_saying_consent_is_not_needed_does_not_name_consent(basis: str) -> None:
    assert names_consent(basis) is None
    assert kind_findings(_choice("information-only", basis)) == []
    assert kind_findings(_choice("service-agreement", basis)) == []


@pytest.mark.parametrize("basis", [
    "Your consent.",
    "We only do this if you have consented.",
    "We refer you only with your consent.",
    "The notice says we collect it with your consent if you use Help and Support.",
    "Consent. The notice lists consent as one of its legal reasons.",
])
def test_naming_consent_needs_data_consent(basis: str) -> None:
    assert names_consent(basis)
    assert kind_findings(_choice("data-consent", basis)) == []
    (finding,) = kind_findings(_choice("service-agreement", basis))
    assert "kind is 'service-agreement'" in finding.message


def test_data_consent_must_name_consent() -> None:
    (finding,) = kind_findings(_choice("data-consent", "Our job as a council, set by law."))
    assert "does not name consent" in finding.message


# ---------------------------------------------------------------- the shipped notices

@pytest.fixture(scope="module")
def shipped() -> dict[str, Notice]:
    loaded = load_all()
    assert loaded.errors == []
    return {n.id: n for n in loaded.notices}


def test_every_shipped_notice_passes_the_claims_rules_and_check(shipped: dict[str, Notice]) -> None:
    assert len(shipped) == 5
    for notice in shipped.values():
        assert check_claims(notice) == [], notice.id
        assert check_notice(notice).failures == [], notice.id


def test_shipped_notices_use_one_word_for_consent(shipped: dict[str, Notice]) -> None:
    meanings = set()
    for notice in shipped.values():
        texts = [s.plain for s in notice.sections] + [g.note for g in notice.gaps] + [
            t for c in notice.choices for t in (c.explanation, c.if_yes, c.if_no, c.withdraw,
                                                 c.lawful_basis, c.implied_note)]
        joined = "\n".join(texts).lower()
        for wrong in ("your yes", "a yes you gave", "your agreement", "without agreement"):
            assert wrong not in joined, (notice.id, wrong)
        if "consent" in joined:
            meanings |= {g.meaning for g in notice.glossary if g.term == "consent"}
            assert any(g.term == "consent" for g in notice.glossary), notice.id
    assert meanings == {"Saying yes to let us use information about you in a certain way. "
                        "You can take it back."}


def test_the_reviewed_choices_now_say_what_the_councils_text_says(shipped: dict[str, Notice]) -> None:
    def choice(notice_id: str, cid: str) -> Choice:
        return next(c for c in shipped[notice_id].choices if c.id == cid)

    stockton, cheshire = "stockton-on-tees/childrens-social-care", "cheshire-east/children-and-families"
    assert choice(stockton, "housing-referral").kind == "data-consent"
    assert "not the council's words" in choice(stockton, "housing-referral").explanation
    assert choice(stockton, "help-and-support-referral").kind == "data-consent"
    assert choice(cheshire, "optional-service").kind == "data-consent"
    assert "not the same as the legal reason" not in choice(cheshire, "optional-service").lawful_basis
    assert "statutory" not in choice(cheshire, "required-by-law").source_quote
    assert "the law says we must" not in choice(cheshire, "sharing-to-keep-safe").explanation.lower()
    records = choice("redcar-and-cleveland/children-and-families", "support-and-records")
    assert records.kind == "information-only" and "referred" in records.explanation
    early = choice("redcar-and-cleveland/early-help", "early-help-support")
    assert "police" not in early.if_yes and "point of referral" in early.explanation
    essex = shipped["essex/childrens-services"]
    family_text = "\n".join([s.plain for s in essex.sections] + [
        t for c in essex.choices for t in (c.explanation, c.if_yes, c.if_no, c.withdraw)])
    assert "2020" not in family_text and "court said" not in family_text


def test_check_fails_a_translation_that_says_the_family_cannot_refuse(
        shipped: dict[str, Notice], monkeypatch: pytest.MonkeyPatch) -> None:
    """The English is honest, but a translation adds 'you cannot refuse': check names the language."""
    from familyprivacy.content import claims, localize

    notice = shipped["essex/childrens-services"]
    for lang in ("pl", "ur"):
        assert claims.check_translation(notice, lang) == [], "the shipped translations are honest"
    real = localize._t

    def polish_says_you_cannot_refuse(n: Notice, part: str, field: str, english: str,
                                      lang: str) -> localize.Text:
        found = real(n, part, field, english, lang)
        if part == "section:who-we-share-with" and field == "plain" and lang == "pl":
            return localize.Text(found.text + "\n\nNie mogą Państwo odmówić.", "pl", "draft")
        return found

    monkeypatch.setattr(localize, "_t", polish_says_you_cannot_refuse)
    (finding,) = claims.check_translation(notice, "pl")
    assert finding.part == "pl section who-we-share-with" and "nie mogą państwo odmówić" in finding.phrase
    assert claims.check_translation(notice, "ur") == []
