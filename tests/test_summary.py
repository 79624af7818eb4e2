"""The family's summary: their language, their choices, how to change their mind, escaped."""

from __future__ import annotations

import dataclasses

import pytest

from familyprivacy import i18n, summary
from familyprivacy.consent.model import Capture, Child, Decision, Grantor, Visit, Worker, utc_now
from familyprivacy.content.loader import load_all
from familyprivacy.content.localize import localize
from familyprivacy.content.model import Notice


@pytest.fixture(scope="module")
def notice() -> Notice:
    return load_all().by_id("stockton-on-tees/childrens-social-care")


def _visit(view_fp: str, name: str = "Amelia Nowak") -> Visit:
    return Visit(council_id="stockton-on-tees", notice_id="stockton-on-tees/childrens-social-care",
                 case_reference="CH-12345", grantors=(Grantor("g1", name, "mother"),),
                 children=(Child("c1", "Zofia"),), worker=Worker("Sam Carter", "w1"),
                 started_at=utc_now(), ended_at=None, language="en", content_fingerprint=view_fp)


def _decisions(notice: Notice, visit: Visit, status: str) -> dict[str, Decision]:
    return {c.id: Decision(visit_id=visit.visit_id, choice_id=c.id, kind=c.kind,
                           status="given" if c.kind == "information-only" else status,
                           grantor_ids=("g1",), child_ids=("c1",), capture=Capture("verbal", None, "W"),
                           recorded_by="w1", language="en", content_fingerprint=visit.content_fingerprint)
            for c in notice.choices}


def test_summary_states_each_choice_and_how_to_change_it(notice: Notice) -> None:
    view = localize(notice, "en")
    visit = _visit(view.fingerprint)
    result = summary.build(view, visit, _decisions(notice, visit, "refused"))
    referral = next(c for c in notice.choices if c.kind != "information-only")
    assert referral.title in result.html
    assert "<p class=\"status\">No</p>" in result.html
    first_no = referral.if_no.split("\n")[0]
    assert first_no.replace("'", "&#39;") in result.html
    assert "Changing your mind" in result.html
    assert "We explained this to you" in result.html  # information-only items
    assert notice.council.ico.split("\n")[0][:30].replace("'", "&#39;") in result.html
    assert not result.rtl and result.qr_png is None  # this notice gives no web address


def test_summary_in_pseudo_rtl_is_right_to_left(notice: Notice) -> None:
    i18n.set_language("ar-XB")
    view = localize(notice, "ar-XB")
    visit = _visit(view.fingerprint)
    result = summary.build(view, visit, _decisions(notice, visit, "given"))
    assert result.rtl and 'dir="rtl"' in result.html
    assert "\u202b" in result.html  # interface text went through the catalog


def test_hostile_names_are_escaped(notice: Notice) -> None:
    view = localize(notice, "en")
    visit = _visit(view.fingerprint, name="<script>alert(1)</script>")
    result = summary.build(view, visit, _decisions(notice, visit, "given"))
    assert "<script>" not in result.html
    assert "&lt;script&gt;" in result.html


def test_qr_code_where_the_notice_gives_an_address(notice: Notice) -> None:
    council = dataclasses.replace(notice.council, website="https://www.example.gov.uk/privacy")
    view = localize(dataclasses.replace(notice, council=council), "en")
    visit = _visit(view.fingerprint)
    result = summary.build(view, visit, {})
    assert result.qr_png is not None and result.qr_png.startswith(b"\x89PNG")
    assert summary.QR_IMAGE_NAME in result.html
