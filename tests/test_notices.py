"""The five councils' notices the app carries: complete, word for word, and plain."""

from __future__ import annotations

import hashlib

import pytest

from familyprivacy import paths
from familyprivacy.content.check import NOT_COVERED, check_notice
from familyprivacy.content.loader import load_all
from familyprivacy.content.localize import localize
from familyprivacy.content.model import Notice
from familyprivacy.content.topics import CHECKLIST_IDS, TOPIC_IDS

# The councils' published notices, as supplied: the copy beside each content file must be
# byte-for-byte the same text (SHA-256), so "verbatim" is checked against the real source.
SOURCES = {
    "redcar-and-cleveland/children-and-families":
        "379de360cfa657f5eeb3a94378618bc31b238b8c304b37909f3de2c5bd67617d",
    "redcar-and-cleveland/early-help":
        "6c60bff1232e6694c3b007bde38d70f4cc87476e4772cb83d3b56592e3e15425",
    "stockton-on-tees/childrens-social-care":
        "6531f1e8a6b227bd84ff23967f618f0692c8a19433ffaa8c08fda83f6853dcf3",
    "cheshire-east/children-and-families":
        "4b134426f2c250e6774c99fbb1b51044bf3d69c434dc0085875c417097dc9c2a",
    "essex/childrens-services":
        "5dd6a46d1a39705fffd7eb6ded41cb8f89119e1ea3074a56c244d8973e6212fc",
}


@pytest.fixture(scope="module")
def notices() -> dict[str, Notice]:
    loaded = load_all()
    assert loaded.errors == []
    return {n.id: n for n in loaded.notices}


def test_all_five_notices_load(notices: dict[str, Notice]) -> None:
    assert set(notices) == set(SOURCES)


@pytest.mark.parametrize("notice_id", sorted(SOURCES))
def test_source_is_the_councils_text(notices: dict[str, Notice], notice_id: str) -> None:
    source = notices[notice_id].source_path
    assert source is not None and source.parent.parent == paths.notices_dir()
    assert hashlib.sha256(source.read_bytes()).hexdigest() == SOURCES[notice_id]


@pytest.mark.parametrize("notice_id", sorted(SOURCES))
def test_every_sentence_verbatim_and_every_part_plain(notices: dict[str, Notice], notice_id: str) -> None:
    report = check_notice(notices[notice_id])
    assert report.verbatim == [], report.verbatim[:5]
    assert report.source_sentences > 20
    assert report.failures == [], report.failures[:5]
    for part, score in report.readability.items():
        assert score["average_words"] <= 15, part
        assert score["longest"] <= 25, part
        assert score["flesch"] >= 70, part


@pytest.mark.parametrize("notice_id", sorted(SOURCES))
def test_every_topic_and_checklist_item_is_accounted_for(notices: dict[str, Notice], notice_id: str
                                                         ) -> None:
    notice = notices[notice_id]
    assert {s.topic for s in notice.sections} == set(TOPIC_IDS)
    checklist = check_notice(notice).checklist
    assert set(checklist) == set(CHECKLIST_IDS)
    # the basics every council notice here states
    for item in ("controller", "purposes", "rights"):
        assert checklist[item] != NOT_COVERED, item


@pytest.mark.parametrize("notice_id", sorted(SOURCES))
def test_choices_are_modelled_honestly(notices: dict[str, Notice], notice_id: str) -> None:
    notice = notices[notice_id]
    assert notice.choices, "every notice offers or explains at least one choice"
    kinds = {c.kind for c in notice.choices}
    assert kinds <= {"service-agreement", "data-consent", "information-only"}
    for c in notice.choices:
        assert c.if_yes and c.if_no and c.withdraw and c.source_quote
        if c.implied:
            assert c.implied_note


def test_expected_choices_per_council(notices: dict[str, Notice]) -> None:
    """Each kind as the council's own text makes it (resources/notices/README.md): Stockton collects
    for Help and Support "with your consent", and the housing duty to refer needs consent; Cheshire
    East asks for a signed consent form; Essex supports families "on a voluntary basis"."""
    kinds = {nid: {c.id: c.kind for c in n.choices} for nid, n in notices.items()}
    stockton = kinds["stockton-on-tees/childrens-social-care"]
    assert stockton["help-and-support-referral"] == "data-consent"
    assert stockton["housing-referral"] == "data-consent"
    assert "data-consent" in kinds["essex/childrens-services"].values()
    assert "service-agreement" in kinds["essex/childrens-services"].values()
    assert kinds["cheshire-east/children-and-families"]["optional-service"] == "data-consent"
    assert kinds["redcar-and-cleveland/children-and-families"]["support-and-records"] == "information-only"
    assert any(c.implied for n in ("redcar-and-cleveland/children-and-families",
                                   "redcar-and-cleveland/early-help")
               for c in notices[n].choices)


def test_fingerprint_is_stable_and_tracks_wording(notices: dict[str, Notice]) -> None:
    notice = notices["stockton-on-tees/childrens-social-care"]
    first = localize(notice, "en").fingerprint
    assert first == localize(notice, "en").fingerprint
    assert first.startswith("sha256:") and len(first) == 71
    fingerprints = {localize(n, "en").fingerprint for n in notices.values()}
    assert len(fingerprints) == len(notices)
