"""Templates compiled ahead of time render exactly as the files do, and are never used when stale."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
import pytest

from familyprivacy import i18n, paths, summary
from familyprivacy.consent.model import Capture, Child, Decision, Grantor, Visit, Worker
from familyprivacy.content import templating
from familyprivacy.content.loader import load_all
from familyprivacy.content.localize import localize
from familyprivacy.content.render import render_html
from familyprivacy.ui.topic_page import MODES, pages, render_page

NOTICE = "stockton-on-tees/childrens-social-care"


@pytest.fixture
def resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the resources, with the templates compiled into it, that the app then reads."""
    copy = tmp_path / "resources"
    shutil.copytree(paths.resources_dir(), copy, ignore=shutil.ignore_patterns("*.ttf", "compiled_templates"))
    monkeypatch.setenv("FAMILYPRIVACY_RESOURCES", str(copy))
    templating.compile_all()
    templating.environment.cache_clear()
    yield copy
    templating.environment.cache_clear()


def compiled_in_use() -> bool:
    return isinstance(templating.environment().loader, jinja2.ChoiceLoader)


def render_everything() -> list[str]:
    """Every template, with the contexts the app gives them: each topic page in each mode, two languages."""
    loaded = load_all()
    notice = loaded.by_id(NOTICE)
    out = []
    try:
        for lang in ("en", "ar"):
            i18n.set_language(lang)
            view = localize(notice, lang)
            english = localize(notice, "en")
            for page in pages(view):
                out += [render_page(view, page, mode, "p { margin: 0 }", english, mark_drafts=True)
                        for mode in MODES]
            out.append(render_html(view))
            visit = Visit(council_id="stockton-on-tees", notice_id=NOTICE, case_reference="CH-1 <b>",
                          grantors=(Grantor("g1", "Amelia <Nowak>", "mother"),),
                          children=(Child("c1", "Zofia & co"),), worker=Worker("Sam Carter", "w1"),
                          started_at="2026-03-02T10:15:00Z", ended_at=None, language=lang,
                          content_fingerprint=view.fingerprint, visit_id=f"visit-{lang}")
            decisions = {c.id: Decision(visit_id=visit.visit_id, choice_id=c.id, kind=c.kind,
                                        status="given" if i % 2 else "refused", grantor_ids=("g1",),
                                        child_ids=("c1",), capture=Capture("verbal", None, "W"),
                                        recorded_by="w1", language=lang,
                                        content_fingerprint=view.fingerprint)
                         for i, c in enumerate(notice.choices)}
            out.append(summary.build(view, visit, decisions).html)
    finally:
        i18n.set_language("en")
    return out


def test_compiled_set_renders_byte_identical_html(resources: Path) -> None:
    assert compiled_in_use()
    template = templating.environment().get_template("topic.html")
    assert template.filename and template.filename.endswith(".py"), "loaded from the compiled module"
    compiled = render_everything()

    shutil.rmtree(resources / "compiled_templates")
    templating.environment.cache_clear()
    assert not compiled_in_use()
    from_files = render_everything()

    assert len(compiled) > 10
    assert compiled == from_files


def test_an_edited_template_is_read_from_its_file(resources: Path, caplog: pytest.LogCaptureFixture) -> None:
    topic = resources / "templates" / "topic.html"
    topic.write_text(topic.read_text("utf-8").replace("</body>", "<p>edited after the build</p>\n</body>"),
                     "utf-8")
    with caplog.at_level(logging.WARNING, logger=templating.__name__):
        assert not compiled_in_use()
    assert "templates changed" in caplog.text
    view = localize(load_all().by_id(NOTICE), "en")
    assert "edited after the build" in render_page(view, pages(view)[0], "plain", "")


def test_a_new_template_is_not_hidden_by_an_older_set(resources: Path) -> None:
    (resources / "templates" / "extra.html").write_text("extra {{ x }}", "utf-8")
    assert not compiled_in_use()
    assert templating.environment().get_template("extra.html").render(x=1) == "extra 1"


def _set_manifest(text: str | bytes) -> Callable[[Path], None]:
    def damage(compiled: Path) -> None:
        manifest = compiled / templating.MANIFEST
        if isinstance(text, bytes):
            manifest.write_bytes(text)
        else:
            manifest.write_text(text, "utf-8")
    return damage


def _edit_manifest(key: str, value: object) -> Callable[[Path], None]:
    def damage(compiled: Path) -> None:
        manifest = compiled / templating.MANIFEST
        data = json.loads(manifest.read_text("utf-8"))
        data[key] = value
        manifest.write_text(json.dumps(data), "utf-8")
    return damage


def _other_jinja(compiled: Path) -> None:
    manifest = compiled / templating.MANIFEST
    data = json.loads(manifest.read_text("utf-8"))
    data["options"]["jinja2"] = "2.11.3"
    manifest.write_text(json.dumps(data), "utf-8")


def _truncate_modules(compiled: Path) -> None:
    for module in compiled.glob("tmpl_*.py"):
        module.write_text(module.read_text("utf-8")[:200], "utf-8")


def _delete_modules(compiled: Path) -> None:
    for module in compiled.glob("tmpl_*.py"):
        module.unlink()


DAMAGE: dict[str, Callable[[Path], None]] = {
    "garbage": _set_manifest(b"\x00\xff not json \x89PNG"),
    "empty": _set_manifest(""),
    "a list": _set_manifest("[]"),
    "deeply nested": _set_manifest("[" * 60_000),
    "huge": _set_manifest(" " * 200_000 + "{}"),
    "no manifest": lambda compiled: (compiled / templating.MANIFEST).unlink(),
    "manifest is a folder": lambda compiled: ((compiled / templating.MANIFEST).unlink(),
                                              (compiled / templating.MANIFEST).mkdir()),
    "unknown format": _edit_manifest("format", 99),
    "templates not a mapping": _edit_manifest("templates", ["topic.html"]),
    "hostile names": _edit_manifest("templates", {"../../etc/passwd": "0" * 64}),
    "another jinja": _other_jinja,
    "truncated modules": _truncate_modules,
    "missing modules": _delete_modules,
}


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_broken_compiled_set_falls_back_to_the_files(resources: Path,
                                                       damage: Callable[[Path], None]) -> None:
    damage(resources / "compiled_templates")
    assert not compiled_in_use()
    view = localize(load_all().by_id(NOTICE), "en")
    assert "<body" in render_html(view)


def test_autoescape_still_escapes_in_compiled_templates(resources: Path) -> None:
    (resources / "templates" / "probe.html").write_text(
        "<p title=\"{{ value }}\">{{ value }}</p>{% for b in text | blocks %}{{ b.items[0] }}{% endfor %}",
        "utf-8")
    templating.compile_all()
    templating.environment.cache_clear()
    assert compiled_in_use()
    template = templating.environment().get_template("probe.html")
    assert template.filename and template.filename.endswith(".py")
    hostile = "<script>alert('x')</script>"
    html = template.render(value=hostile, text=f"- {hostile}")
    assert "<script>" not in html
    assert html.count("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") == 3


def test_strict_undefined_holds_in_compiled_templates(resources: Path) -> None:
    assert compiled_in_use()
    with pytest.raises(jinja2.UndefinedError):
        templating.environment().get_template("notice_page.html").render()
