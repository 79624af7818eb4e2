"""A saved visit carries the sign-off state of what the family was shown; the exports say it.

And a council can refuse to record decisions on content it has not signed off.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fhir.resources.consent import Consent

from familyprivacy.cli import main
from familyprivacy.consent.model import ContentSignoff, ModelError, SignedOff, Visit
from familyprivacy.content.loader import load_notices
from familyprivacy.server.export import CSV_COLUMNS
from familyprivacy.server.fhir import consent, signoff_text
from familyprivacy.settings import validate
from familyprivacy.ui import recording
from tests.conftest_pg import decision_body, visit_body

ROOT = Path(__file__).resolve().parent.parent
NOTICE = "essex/childrens-services"
SIGNED = SignedOff("Amara Okafor", "Information governance lead", "2026-12-01T10:00:00Z",
                   "sha256:" + "a" * 64)


@pytest.fixture
def resources(resources_copy: Path) -> Path:
    return resources_copy


def test_the_visit_records_who_signed_off_what_was_shown(resources: Path) -> None:
    notice = load_notices([resources / "notices"]).by_id(NOTICE)
    unsigned = recording.content_signoff(notice, "ur")
    assert unsigned == ContentSignoff(None, None)
    assert recording.unsigned_reason(unsigned, "ur") == "the notice's English content is not signed off"

    assert main(["sign-off", NOTICE, "--by", "Amara Okafor", "--role", "Information governance lead"]) == 0
    notice = load_notices([resources / "notices"]).by_id(NOTICE)
    english_only = recording.content_signoff(notice, "ur")
    assert english_only.english is not None and english_only.english.by == "Amara Okafor"
    assert english_only.english.fingerprint.startswith("sha256:")
    assert english_only.translation is None
    assert recording.unsigned_reason(english_only, "ur") == (
        "its translation into this language is not signed off")
    assert recording.unsigned_reason(english_only, "en") == "", "English shown: its sign-off is enough"


def test_the_state_travels_in_the_body_and_older_bodies_still_read() -> None:
    body = visit_body("v1") | {"content_signoff": {"english": SIGNED.to_body(), "translation": None}}
    body["started_at"], body["ended_at"] = "2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z"
    visit = Visit.from_body(body)
    assert visit.content_signoff == ContentSignoff(SIGNED, None)
    assert visit.to_body()["content_signoff"] == body["content_signoff"]
    older = {k: v for k, v in body.items() if k != "content_signoff"}
    assert Visit.from_body(older).content_signoff is None
    assert "content_signoff" not in Visit.from_body(older).to_body(), "an older record's body is unchanged"
    with pytest.raises(ModelError, match=r"visit.content_signoff.english.fingerprint"):
        Visit.from_body(body | {"content_signoff": {"english": SIGNED.to_body() | {"fingerprint": "x"},
                                                    "translation": None}})
    with pytest.raises(ModelError, match=r"visit.content_signoff: unknown field"):
        Visit.from_body(body | {"content_signoff": {"english": None, "translation": None, "extra": 1}})


def test_the_exports_say_what_was_signed_off() -> None:
    assert "english_signoff" in CSV_COLUMNS and "translation_signoff" in CSV_COLUMNS
    visit = visit_body("v1") | {"content_signoff": {"english": SIGNED.to_body(), "translation": None}}
    assert signoff_text(visit, "english") == (f"signed off by Amara Okafor (Information governance lead) at "
                                              f"2026-12-01T10:00:00Z; {SIGNED.fingerprint}")
    assert signoff_text(visit, "translation") == "not signed off"  # shown in Polish, not signed off
    assert signoff_text(visit | {"language": "en"}, "translation") == "not applicable"
    assert signoff_text(visit_body("v2"), "english") == "", "a record from before sign-off says nothing"
    resource = consent("ev-1", decision_body("v1", 1), visit, "stockton/childrens-social-care")
    Consent.model_validate(resource)
    extensions = {e["url"]: e["valueString"] for e in resource["extension"]}
    assert extensions["urn:familyprivacy:content-signoff:english"].startswith("signed off by Amara Okafor")
    assert extensions["urn:familyprivacy:content-signoff:translation"] == "not signed off"
    assert "extension" not in consent("ev-2", decision_body("v2", 1), visit_body("v2"), "s/n")


def test_the_councils_setting_to_record_only_signed_content() -> None:
    assert validate({}).record_only_signed_content is False
    assert validate({"record_only_signed_content": True}).record_only_signed_content
    assert validate({}).mark_draft_translations is True, "drafts are marked unless a council says otherwise"
    with pytest.raises(ValueError, match="record_only_signed_content"):
        validate({"record_only_signed_content": "yes"})
