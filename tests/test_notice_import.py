"""``familyprivacy notice import``: each committed notice, published again as a council would (a web
page with its site around it, a two-column PDF, a Word file; tests/notice_forms.py makes them from
the committed source text), comes back as the same source text, a draft that loads and keeps the
source word for word, and topics that mostly agree with the committed notice's.

What may differ, by form (each difference is printed, and asserted to be whitespace only):

- every form: the committed files do not share one layout; an import writes the source-text
  conventions (content/importing/blocks.py), so against the committed file the blank lines between
  blocks, the bullet's mark and indent (Cheshire East's "- " is "  • "), spaces at line ends, lines
  of only a no-break space, and the final newline may differ (:func:`notice_forms.differences`).
  Against those conventions (:func:`notice_forms.expected_text`), the import must be exact, except:
- web page: trafilatura makes each run of spaces one space, so no-break spaces (Stockton-on-Tees,
  Redcar, Essex) come back as spaces: compared with the committed text's spaces made single;
- PDF: exact where the layout shows where paragraphs end; a paragraph that ends a full line at the
  foot of a column cannot be told from one that carries on, so it may be joined to the next one
  (one place in Essex's): the words must be the same, in the same order.
"""

from __future__ import annotations

import argparse
import tomllib
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from familyprivacy import paths
from familyprivacy.content import importer
from familyprivacy.content.check import check_notice
from familyprivacy.content.importer import ImportResult, NoticeImportError, import_notice
from familyprivacy.content.importing import fetch as fetch_module
from familyprivacy.content.importing.fetch import Fetched, FetchError
from familyprivacy.content.loader import load_notices
from familyprivacy.content.topics import TOPIC_IDS
from familyprivacy.content.verbatim import check_verbatim, normalise_line, split_sentences
from tests import notice_forms
from tests.notice_forms import NoticeModel

NOTICES = sorted(paths.notices_dir().glob("*/*.toml"))
NOTICE_IDS = [f"{p.parent.name}/{p.stem}" for p in NOTICES]
FORMS = ("html", "pdf", "docx")
TODAY = date(2026, 12, 7)
# Topics: a section's topic "matches" when it is the committed topic of most of its sentences (the
# committed notices regroup sentences by topic, so one council heading can feed several topics).
TOPIC_FLOOR = 0.6  # per notice and form: a guess from words, which a person checks, section by section
TOPIC_FLOOR_ALL = 0.8  # over every section of every notice and form

def test_there_are_five_committed_notices() -> None:
    assert len(NOTICES) == 5, NOTICE_IDS


# -- the forms and their imports, made once for the module -------------------------------------------

@pytest.fixture(scope="module")
def models() -> dict[str, NoticeModel]:
    return {nid: notice_forms.notice_model(p) for nid, p in zip(NOTICE_IDS, NOTICES, strict=True)}


@pytest.fixture(scope="module")
def forms(models: dict[str, NoticeModel], tmp_path_factory: pytest.TempPathFactory, qapp: Any
          ) -> dict[tuple[str, str], Path]:
    folder = tmp_path_factory.mktemp("forms")
    out: dict[tuple[str, str], Path] = {}
    for nid, model in models.items():
        stem = nid.replace("/", "--")
        html = folder / f"{stem}.html"
        html.write_text(notice_forms.html_page(model), "utf-8")
        out[nid, "html"] = html
        out[nid, "pdf"] = notice_forms.write_pdf(model, folder / f"{stem}.pdf")
        out[nid, "docx"] = notice_forms.write_docx(model, folder / f"{stem}.docx")
    return out


@pytest.fixture(scope="module")
def imports(forms: dict[tuple[str, str], Path]) -> dict[tuple[str, str], ImportResult]:
    results = {}
    for (nid, form), path in forms.items():
        council, slug = nid.split("/")
        results[nid, form] = import_notice(path, council, slug, today=TODAY)
    return results


def _without(text: str, lines: list[str]) -> str:
    """``text`` without these whole lines (each once), and without the blank line each leaves."""
    left = list(lines)
    out: list[str] = []
    for line in text.splitlines():
        if line.strip() and line.strip() in left:
            left.remove(line.strip())
            continue
        if not line.strip() and (not out or not out[-1].strip()):
            continue
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    assert not left, f"[ignored] lines not in the source text: {left}"
    return "".join(line + "\n" for line in out)


def _notice_text(result: ImportResult) -> str:
    """The imported source text without the furniture lines it proposes under [ignored]."""
    return _without(result.source_text, [i.text for i in result.ignored if i.in_source])


def _line_differences(expected: str, got: str) -> list[tuple[list[str], list[str]]]:
    """The runs of lines that differ: (expected lines, imported lines)."""
    import difflib

    a, b = expected.splitlines(), got.splitlines()
    return [(a[i1:i2], b[j1:j2]) for tag, i1, i2, j1, j2
            in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() if tag != "equal"]


# -- 1. the source text comes back -------------------------------------------------------------------

@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("nid", NOTICE_IDS)
def test_import_gives_back_the_source_text(nid: str, form: str, models: dict[str, NoticeModel],
                                           imports: dict[tuple[str, str], ImportResult]) -> None:
    model, result = models[nid], imports[nid, form]
    conventions = notice_forms.differences(model, notice_forms.expected_text(model))
    print(f"{nid}: the committed file differs from the source-text conventions in: "
          f"{', '.join(conventions) or 'nothing'}")
    # those differences are whitespace and bullet marks only: the same words, line by line
    committed = [normalise_line(line) for line in model.committed_source.splitlines()
                 if normalise_line(line) and line.strip() not in model.furniture]
    conventional = [normalise_line(line) for line in notice_forms.expected_text(model).splitlines()
                    if normalise_line(line)]
    assert committed == conventional

    expected = notice_forms.expected_text(model, collapse_spaces=form == "html")
    got = _notice_text(result)
    if got == expected:
        print(f"{nid} {form}: the source text is exactly as expected")
        return
    differing = _line_differences(expected, got)
    shown = "\n".join(f"  expected {a!r}\n  imported {b!r}" for a, b in differing)
    print(f"{nid} {form}: {len(differing)} place(s) differ:\n{shown}")
    assert form == "pdf", f"{form} must be exact:\n{shown}"
    assert got.split() == expected.split(), "the words differ, not only the whitespace"
    # Only paragraphs joined where one ended a full line at the foot of a column: the expected
    # paragraphs (and the blank line between them) are one line of the import, joined with a space.
    for want, have in differing:
        assert len(have) == 1 and have[0] == " ".join(line for line in want if line), (want, have)
    assert len(differing) <= 1


def test_no_break_spaces_are_kept_where_the_form_keeps_them(models: dict[str, NoticeModel],
                                                             imports: dict[tuple[str, str], ImportResult]
                                                             ) -> None:
    nid = "stockton-on-tees/childrens-social-care"
    assert "\u00a0" in notice_forms.expected_text(models[nid])
    assert "email\u00a0foiandcomplaints@stockton.gov.uk" in imports[nid, "docx"].source_text
    assert "email\u00a0foiandcomplaints@stockton.gov.uk" in imports[nid, "pdf"].source_text
    assert "\u00a0" not in imports[nid, "html"].source_text  # trafilatura makes them spaces


# -- 2. the draft loads, and keeps the source word for word ------------------------------------------

@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("nid", NOTICE_IDS)
def test_draft_loads_and_is_verbatim(nid: str, form: str, imports: dict[tuple[str, str], ImportResult],
                                     tmp_path: Path) -> None:
    result = imports[nid, form]
    _toml, source = result.write(tmp_path / nid.split("/")[0])
    assert source.read_text("utf-8") == result.source_text
    loaded = load_notices([tmp_path])
    assert not loaded.errors, [str(e) for e in loaded.errors]
    (notice,) = loaded.notices
    assert notice.id == nid
    assert {s.topic for s in notice.sections} == set(TOPIC_IDS)
    verbatim = check_verbatim(notice, result.source_text)
    assert verbatim.ok, verbatim.problems()[:5]
    report = check_notice(notice)
    assert report.verbatim == []
    assert report.source_sentences > 20
    # the sections' official text is the source's lines, each once, in order
    officials = [line for s in result.sections for line in s.official.splitlines()]
    content = [line for line in result.source_text.splitlines()
               if line.strip() and line.strip() not in [i.text for i in result.ignored if i.in_source]]
    assert officials == content
    # every text a person writes starts with TODO, and they are counted
    for s in notice.sections:
        assert s.title.startswith("TODO") and s.plain.startswith("TODO"), s.id
    assert all(g.note.startswith("TODO") for g in notice.gaps)
    assert result.todo_count == len(result.todo_keys) == len(importer.todo_keys(notice))
    assert result.todo_count >= 2 * len(notice.sections)
    from familyprivacy.content import check

    official_todos = getattr(check, "todo_keys", None)  # the checker's own count, where it has one
    if official_todos is not None:
        assert len(official_todos(notice)) == result.todo_count
    # a placeholder and a gap for each topic the notice is silent on
    for topic in result.missing_topics:
        (placeholder,) = [s for s in notice.sections if s.topic == topic]
        assert placeholder.official == ""
        assert any(g.section == placeholder.id for g in notice.gaps)
    print(f"{nid} {form}: loads; verbatim OK ({report.source_sentences} sentences); "
          f"{result.todo_count} TODOs; no section for {', '.join(result.missing_topics) or '-'}")


# -- 3. the suggested topics ---------------------------------------------------------------------------

def _committed_topics(toml: Path) -> dict[str, Counter[str]]:
    data = tomllib.loads(toml.read_text("utf-8"))
    out: dict[str, Counter[str]] = {}
    for section in data["section"]:
        for sentence in split_sentences(section["official"]):
            out.setdefault(sentence, Counter())[section["topic"]] += 1
    return out


def _matched(result: ImportResult, truth: dict[str, Counter[str]]) -> tuple[int, int, list[str]]:
    matched = total = 0
    misses = []
    for section in result.sections:
        if section.placeholder:
            continue
        votes: Counter[str] = Counter()
        for sentence in split_sentences(section.official):
            votes.update(truth.get(sentence, Counter()))
        if not votes:
            continue
        total += 1
        if votes[section.topic] == max(votes.values()):
            matched += 1
        else:
            misses.append(f"{section.heading[:50]!r}: suggested {section.topic}, committed {dict(votes)} "
                          f"({section.reason})")
    return matched, total, misses


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("nid", NOTICE_IDS)
def test_suggested_topics_match_the_committed_notice(nid: str, form: str,
                                                     imports: dict[tuple[str, str], ImportResult]) -> None:
    toml = NOTICES[NOTICE_IDS.index(nid)]
    matched, total, misses = _matched(imports[nid, form], _committed_topics(toml))
    print(f"{nid} {form}: {matched} of {total} sections' topics matched")
    for miss in misses:
        print(f"  not matched: {miss}")
    assert total >= 5
    assert matched / total >= TOPIC_FLOOR, misses


def test_suggested_topics_overall(imports: dict[tuple[str, str], ImportResult]) -> None:
    matched = total = 0
    for (nid, _form), result in imports.items():
        m, t, _ = _matched(result, _committed_topics(NOTICES[NOTICE_IDS.index(nid)]))
        matched, total = matched + m, total + t
    print(f"all notices and forms: {matched} of {total} sections' topics matched")
    assert matched / total >= TOPIC_FLOOR_ALL


def test_topic_reason_is_written_above_each_section(imports: dict[tuple[str, str], ImportResult]) -> None:
    result = imports["cheshire-east/children-and-families", "docx"]
    assert '# topic: your-rights (heading says "Your rights"' in result.toml_text
    for topic, reason in result.topics:
        assert topic in TOPIC_IDS and reason
    lines = result.toml_text.splitlines()
    for n, line in enumerate(lines):
        if line == "[[section]]":
            above = [x for x in lines[max(0, n - 4):n] if x.startswith("# ")]
            assert any(x.startswith("# topic: ") for x in above), lines[n - 3:n + 3]


# -- 4. furniture ---------------------------------------------------------------------------------------

def test_web_page_furniture_is_left_out_and_listed(imports: dict[tuple[str, str], ImportResult]) -> None:
    result = imports["stockton-on-tees/childrens-social-care", "html"]
    dropped = {i.text: i.reason for i in result.ignored if not i.in_source}
    for line in ("Skip to main content", "Accept additional cookies", "Was this page useful?", "Yes",
                 "Toggle menu", "Share this page", "Data protection and privacy", "Accessibility statement"):
        assert line in dropped, line
        assert line not in result.source_text.splitlines()
    assert dropped["Accept additional cookies"] == "the cookie banner"
    assert dropped["Was this page useful?"] == "the page's feedback form"
    assert '#   "Skip to main content"  (a link to skip the page\'s menu)' in result.toml_text
    assert "ignored" not in tomllib.loads(result.toml_text)  # nothing of the site was kept in the text


def test_furniture_kept_by_extraction_goes_under_ignored(imports: dict[tuple[str, str], ImportResult],
                                                        tmp_path: Path) -> None:
    result = imports["cheshire-east/children-and-families", "html"]
    kept = [i for i in result.ignored if i.in_source]
    assert [i.text for i in kept] == ["Page last reviewed: 25 May 2022"]
    assert "Page last reviewed: 25 May 2022" in result.source_text.splitlines()
    data = tomllib.loads(result.toml_text)
    assert data["ignored"]["lines"] == ["Page last reviewed: 25 May 2022"]
    assert "review date" in data["ignored"]["reason"]
    assert data["last_reviewed"] == "25 May 2022"
    assert all("Page last reviewed" not in s["official"] for s in data["section"])


def test_pdf_running_header_and_page_numbers_are_left_out(models: dict[str, NoticeModel],
                                                           imports: dict[tuple[str, str], ImportResult]
                                                           ) -> None:
    nid = "essex/childrens-services"
    result, model = imports[nid, "pdf"], models[nid]
    header = f"{model.council_name} | {model.title}"
    dropped = [(i.text, i.reason) for i in result.ignored if not i.in_source]
    assert (header, "a running header or footer, on most pages") in dropped
    numbers = [t for t, why in dropped if why == "a page number"]
    assert numbers == [str(n) for n in range(1, len(numbers) + 1)] and len(numbers) >= 3
    assert header not in result.source_text
    assert not [line for line in result.source_text.splitlines() if line.strip().isdigit()]


def test_word_headers_and_footers_are_left_out(imports: dict[tuple[str, str], ImportResult]) -> None:
    result = imports["redcar-and-cleveland/early-help", "docx"]
    dropped = [i.text for i in result.ignored if not i.in_source]
    assert "OFFICIAL" in dropped and "OFFICIAL" not in result.source_text


@pytest.mark.parametrize("nid", NOTICE_IDS)
def test_plain_text_is_kept_as_it_is(nid: str, tmp_path: Path) -> None:
    """A .txt is the source text as it stands (its furniture proposed under [ignored]): the committed
    files themselves import to drafts that keep them, and propose the furniture their authors listed."""
    toml = NOTICES[NOTICE_IDS.index(nid)]
    data = tomllib.loads(toml.read_text("utf-8"))
    committed = (toml.parent / data["source_file"]).read_text("utf-8")
    council, slug = nid.split("/")
    result = import_notice(toml.parent / data["source_file"], council, slug, today=TODAY)
    assert result.source_text == (committed if committed.endswith("\n") else committed + "\n")
    assert [i.text for i in result.ignored] == data.get("ignored", {}).get("lines", [])
    result.write(tmp_path)
    loaded = load_notices([tmp_path])
    assert not loaded.errors and check_verbatim(loaded.notices[0], result.source_text).ok


# -- 5. the council's details, and where the text came from ----------------------------------------

def test_council_details_found_in_the_text(imports: dict[tuple[str, str], ImportResult]) -> None:
    stockton = tomllib.loads(imports["stockton-on-tees/childrens-social-care", "docx"].toml_text)["council"]
    assert stockton["name"] == "Stockton-on-Tees Borough Council"
    assert stockton["controller"].startswith("Stockton-on-Tees Borough Council is a registered data "
                                             "controller")
    assert "0303 123 1113" in stockton["ico"] and "Wycliffe House" in stockton["ico"]
    assert stockton["contact"].endswith("foiandcomplaints@stockton.gov.uk")
    assert stockton["dpo"].startswith("TODO") and "Martin Skipsey" in stockton["dpo"]
    assert "website" not in stockton  # a file is not the notice's address

    early = tomllib.loads(imports["redcar-and-cleveland/early-help", "pdf"].toml_text)
    assert early["council"]["name"] == "Redcar and Cleveland Borough Council"
    assert "InformationSecurity@redcar-cleveland.gov.uk" in early["council"]["dpo"]
    assert not any(g["item"] == "dpo" for g in early["gap"])

    essex = tomllib.loads(imports["essex/childrens-services", "html"].toml_text)["council"]
    assert essex["name"] == "Essex County Council"
    assert essex["controller"] == "Essex County Council is the Data Controller for this processing."

    cheshire = tomllib.loads(imports["cheshire-east/children-and-families", "docx"].toml_text)
    assert all(cheshire["council"][k].startswith("TODO") for k in ("name", "controller", "dpo", "ico"))
    assert any(g["item"] == "dpo" for g in cheshire["gap"])
    assert cheshire["title"] == "Children and Families Privacy Notice"


def test_provenance_is_in_comments_not_in_the_source_text(imports: dict[tuple[str, str], ImportResult]
                                                          ) -> None:
    result = imports["essex/childrens-services", "pdf"]
    head = result.toml_text.split("schema = 1")[0]
    assert "# source: essex--childrens-services.pdf (PDF)" in head
    assert "\n# copied: 2026-12-07\n# SHA-256 of what was read: " in head
    assert all(line.startswith("#") or not line for line in head.splitlines())
    assert "familyprivacy" not in result.source_text and "2026-12-07" not in result.source_text
    assert not result.source_text.startswith("#")


# -- 6. https addresses ---------------------------------------------------------------------------------

def test_https_address_is_fetched_and_recorded(forms: dict[tuple[str, str], Path],
                                               monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    page = forms["redcar-and-cleveland/early-help", "html"].read_bytes()
    asked = []

    def fake_fetch(url: str) -> Fetched:
        asked.append(url)
        return Fetched("https://www.redcar-cleveland.gov.uk/privacy/early-help", page,
                       "text/html")

    monkeypatch.setattr(fetch_module, "fetch", fake_fetch)
    code = _run(["https://redcar-cleveland.gov.uk/early-help-privacy", "--council", "redcar-and-cleveland",
                 "--notice", "early-help", "--out", str(tmp_path)])
    assert code == 0 and asked == ["https://redcar-cleveland.gov.uk/early-help-privacy"]
    toml = (tmp_path / "early-help.toml").read_text("utf-8")
    assert "# source: https://www.redcar-cleveland.gov.uk/privacy/early-help (web page, fetched" in toml
    data = tomllib.loads(toml)
    assert data["council"]["website"] == "https://www.redcar-cleveland.gov.uk/privacy/early-help"
    assert not load_notices([tmp_path]).errors


@pytest.mark.parametrize("address", ["http://www.example.gov.uk/privacy", "ftp://example.gov.uk/notice.pdf"])
def test_only_https_addresses(address: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run([address, "--council", "example", "--notice", "privacy", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert address in err and "only https:// addresses" in err
    assert list(tmp_path.iterdir()) == []


def test_fetch_follows_https_redirects_and_refuses_the_rest() -> None:
    import httpx

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"location": "https://council.example/new"})
        if request.url.path == "/new":
            return httpx.Response(200, content=b"<html><body><p>Hello</p></body></html>",
                                  headers={"content-type": "text/html; charset=utf-8"})
        if request.url.path == "/insecure":
            return httpx.Response(302, headers={"location": "http://council.example/new"})
        if request.url.path == "/big":
            return httpx.Response(200, content=b"x" * 5000)
        return httpx.Response(404)

    transport = httpx.MockTransport(handler)
    got = fetch_module.fetch("https://council.example/old", transport=transport)
    assert got.url == "https://council.example/new" and got.content_type == "text/html"
    with pytest.raises(FetchError, match="not https://; refusing"):
        fetch_module.fetch("https://council.example/insecure", transport=transport)
    with pytest.raises(FetchError, match="404"):
        fetch_module.fetch("https://council.example/gone", transport=transport)
    with pytest.raises(FetchError, match=r"limit is 1000|more than 1000 bytes"):
        fetch_module.fetch("https://council.example/big", transport=transport, max_bytes=1000)


# -- 7. the command: where it writes, and bad input ---------------------------------------------------

def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="familyprivacy")
    importer.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["notice", "import", *argv])
    return int(args.func(args))


def test_command_writes_beside_the_app_notices_and_refuses_to_overwrite(
        forms: dict[tuple[str, str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    resources = tmp_path / "resources"
    (resources / "notices").mkdir(parents=True)
    monkeypatch.setenv("FAMILYPRIVACY_RESOURCES", str(resources))
    source = forms["essex/childrens-services", "docx"]
    argv = [str(source), "--council", "essex", "--notice", "childrens-services"]
    assert _run(argv) == 0
    folder = resources / "notices" / "essex"
    written = sorted(p.name for p in folder.iterdir())
    assert written == ["childrens-services.source.txt", "childrens-services.toml"]
    out = capsys.readouterr().out
    assert "not ready: " in out and "TODOs" in out and "familyprivacy check" in out

    (folder / "childrens-services.toml").write_text("# edited by a person\n", "utf-8")
    assert _run(argv) == 2
    assert "already exists; nothing written (use --force" in capsys.readouterr().err
    assert (folder / "childrens-services.toml").read_text("utf-8") == "# edited by a person\n"
    assert _run([*argv, "--force"]) == 0
    assert (folder / "childrens-services.toml").read_text("utf-8").startswith("# Draft notice")


def _blank_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with path.open("wb") as f:
        writer.write(f)
    return path


@pytest.mark.parametrize(("name", "make", "problem"), [
    ("empty.txt", lambda p: p.write_bytes(b""), "is empty"),
    ("blank.html", lambda p: p.write_bytes(b"  \n\n "), "is empty"),
    ("scan.pdf", _blank_pdf, "has no text to take"),
    ("broken.pdf", lambda p: p.write_bytes(b"%PDF-1.7\nthis is not really a PDF"),
     "is not a PDF that can be read"),
    ("broken.docx", lambda p: p.write_bytes(b"PK\x03\x04 not a zip at all"), "is not a Word .docx file"),
    ("notice.rtf", lambda p: p.write_text("{\\rtf1 Hello}", "utf-8"), "unknown kind of file '.rtf'"),
    ("notice.doc", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0"), "save it as .docx"),
    ("latin1.txt", lambda p: p.write_bytes("Caf\xe9 notice\n".encode("latin-1")), "is not UTF-8 text"),
    ("menu.html", lambda p: p.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>",
                                         "utf-8"), "has no main text"),
])
def test_bad_input_is_refused_with_the_file_named(name: str, make: Any, problem: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "in" / name
    source.parent.mkdir()
    make(source)
    out = tmp_path / "out"
    assert _run([str(source), "--council", "example", "--notice", "test", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("familyprivacy notice import: ") and str(source) in err and problem in err, err
    assert not out.exists()


def test_missing_file_and_bad_ids(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run([str(tmp_path / "nope.pdf"), "--council", "example", "--notice", "x", "--out",
                 str(tmp_path / "o")]) == 2
    assert "nope.pdf: no such file" in capsys.readouterr().err
    with pytest.raises(NoticeImportError, match="--council 'Bad Council'"):
        import_notice(tmp_path / "x.txt", "Bad Council", "x")
    with pytest.raises(NoticeImportError, match=r"--notice '\.\./escape'"):
        import_notice(tmp_path / "x.txt", "example", "../escape")


def test_source_holding_markup_is_refused_not_written(tmp_path: Path) -> None:
    """The loader refuses markup in a notice; an import of text holding some says so, names the file,
    and writes nothing."""
    source = tmp_path / "notice.txt"
    source.write_text("Privacy notice\n\nWe are the <b>council</b>. We keep your data.\n", "utf-8")
    with pytest.raises(NoticeImportError, match=r"notice\.txt: the draft made from it does not load"):
        import_notice(source, "example", "privacy")


def test_import_module_does_not_load_the_readers() -> None:
    """The app's start-up cost: registering the command loads no extraction library."""
    import subprocess
    import sys

    code = ("import sys, argparse; from familyprivacy.content import importer; "
            "importer.register(argparse.ArgumentParser().add_subparsers()); "
            "print(sorted(m for m in ('trafilatura', 'pypdf', 'docx', 'lxml', 'httpx') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize("text", ["plain", "it's 'quoted' and \"double\"", "a\\b\\", "ends with '",
                                  "has ''' three", "tab\there", "line one\n  • line two\n"])
def test_toml_strings_read_back_exactly(text: str) -> None:
    from familyprivacy.content.importing.stub import basic, multiline, value

    assert tomllib.loads(f"v = {basic(text)}")["v"] == text
    assert tomllib.loads(f"v = {multiline(text)}")["v"].strip("\n") == text.strip("\n")
    assert tomllib.loads(f"v = {value(text)}")["v"].strip("\n") == text.strip("\n")


def test_written_files_match_the_result(imports: dict[tuple[str, str], ImportResult], tmp_path: Path) -> None:
    result = imports["redcar-and-cleveland/children-and-families", "html"]
    toml, source = result.write(tmp_path)
    assert toml.read_bytes() == result.toml_text.encode("utf-8")
    assert source.read_bytes() == result.source_text.encode("utf-8")
