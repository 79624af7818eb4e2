"""What ``familyprivacy check`` tells an officer: the words that differ, the sentences to change and
their plain swaps, ``check --watch``, and notices not ready (a plain text still starting TODO)."""

from __future__ import annotations

import io
import itertools
import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from familyprivacy.cli import main
from familyprivacy.content import check as check_module
from familyprivacy.content.check import (
    check_notice,
    format_report,
    poll,
    ready_notices,
    run_check,
    todo_keys,
    watch,
)
from familyprivacy.content.loader import load_notices
from familyprivacy.content.model import Notice
from familyprivacy.content.readability import score
from familyprivacy.content.verbatim import word_diff
from tests.notice_factory import SOURCE, notice_toml, write_notice

LONG = ("When your child's case is closed we will keep your information for six years after the "
        "last contact with you, and then we will delete it safely so that nobody can read it.")


def _official(toml: str, topic: str, official: str) -> str:
    """The factory's notice with ``official`` as the (empty) official text of the ``topic`` section."""
    head, sep, tail = toml.partition(f'id = "{topic}"\n')
    assert sep
    return head + sep + tail.replace('official = """"""', f'official = """{official}"""', 1)


def _plain(toml: str, topic: str, plain: str) -> str:
    head, sep, tail = toml.partition(f'id = "{topic}"\n')
    old = 'plain = "We are the council. We help you."'
    return head + sep + tail.replace(old, f'plain = """{plain}"""', 1)


def _with_long_sentence(tmp_path: Path, official: str) -> Path:
    path = write_notice(tmp_path, text=_official(notice_toml(), "how-long-we-keep-it", official))
    (tmp_path / "test.source.txt").write_text(SOURCE + LONG + "\n", "utf-8")
    return path


def _notice(path: Path) -> Notice:
    loaded = load_notices([path])
    assert loaded.errors == []
    return loaded.notices[0]


# -- 1. the word diff ------------------------------------------------------------------------------

def test_a_long_sentence_altered_past_character_90_shows_the_changed_words(tmp_path: Path) -> None:
    altered = LONG.replace("delete it", "destroy it")
    assert LONG.index("delete") > 90
    path = _with_long_sentence(tmp_path, altered)
    report = check_notice(_notice(path))
    (problem,) = report.verbatim  # one altered sentence: one problem, not a missing one and an extra one
    first, diff = problem.split("\n")
    toml_line = next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1) if altered in line)
    assert f"section how-long-we-keep-it, line {toml_line} of test.toml: not in the source" in first
    assert "source line 6 of test.source.txt" in first
    assert "[-delete-]{+destroy+}" in diff
    # a little context either side, the rest elided
    assert diff.strip() == "… you, and then we will [-delete-]{+destroy+} it safely so that nobody …"


def test_a_sentence_missing_from_every_section_names_the_nearest_and_diffs_it(tmp_path: Path) -> None:
    path = _with_long_sentence(tmp_path, LONG)
    # The source gains a sentence like the long one; no section has it.
    similar = "We will keep your records for ten years after the last contact with you."
    (tmp_path / "test.source.txt").write_text(f"{SOURCE}{LONG}\n{similar}\n", "utf-8")
    (problem,) = check_notice(_notice(path)).verbatim
    first, diff = problem.split("\n")
    assert first.startswith("source line 7 of test.source.txt: sentence not in any section; the nearest "
                            "is in section how-long-we-keep-it, line ")
    assert "% alike" in first
    assert "for [-ten-]{+six+} years after" in diff


def test_a_sentence_not_in_the_source_names_the_nearest_source_sentence(tmp_path: Path) -> None:
    path = write_notice(tmp_path, text=_official(
        notice_toml(), "how-to-complain", "We share it to keep every child safe at school."))
    (problem,) = check_notice(_notice(path)).verbatim
    first, diff = problem.split("\n")
    assert "section how-to-complain" in first and "not in the source (altered or added?)" in first
    assert "the nearest is source line 3 of test.source.txt" in first
    assert diff.strip() == "We share it to keep [-children-]{+every child+} safe {+at school+}."


def test_word_diff_names_marks_that_look_alike() -> None:
    assert word_diff("We’ll help.", "We'll help.") == \
        "[-We’ll-]{+We'll+} ('’' U+2019 in the source, \"'\" U+0027 in the notice) help."
    assert word_diff("a b c", "a b c").endswith("(the same words)")


def test_a_source_quote_not_in_the_source_is_diffed_against_the_nearest_words(tmp_path: Path) -> None:
    text = notice_toml() + (
        '\n[[choice]]\nid = "school"\nkind = "information-only"\ntitle = "Schools"\n'
        'explanation = "We tell schools."\nif_yes = "We tell them."\nif_no = "We still tell them."\n'
        'withdraw = "Call us."\nlawful_basis = "The law says we must."\n'
        'source_quote = "We share it to keep all children safe."\n')
    path = write_notice(tmp_path, text=text)
    (problem,) = check_notice(_notice(path)).verbatim
    first, diff = problem.split("\n")
    quote_line = next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith("source_quote"))
    assert first.startswith(f"choice school, line {quote_line} of test.toml: source_quote is not word "
                            "for word")
    assert "source line 3 of test.source.txt" in first
    assert "keep {+all+} children safe." in diff


def test_report_indents_the_diff_under_its_failure(tmp_path: Path) -> None:
    _with_long_sentence(tmp_path, LONG.replace("delete it", "destroy it"))
    text = format_report(run_check([tmp_path]))
    lines = text.splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith("   FAIL section how-long-we-keep-it"))
    assert lines[i + 1].startswith("         … you, and then we will [-delete-]{+destroy+}")


# -- 2. readability names the sentence and the swap -----------------------------------------------

HARD = ("We are processing your personal data in accordance with our statutory responsibilities "
        "regarding the safeguarding of children, and additionally we may share information with "
        "organisations where necessary.")


def test_readability_failure_names_the_sentence_its_words_and_the_swap(tmp_path: Path) -> None:
    toml = _plain(notice_toml(), "why-we-use-it", f"We help families.\n\n{HARD}")
    path = write_notice(tmp_path, text=toml)
    report = check_notice(_notice(path))
    failures = "\n".join(f for f in report.failures if f.startswith("section why-we-use-it:"))
    hard_line = next(i for i, line in enumerate(toml.splitlines(), 1) if HARD in line)
    # the figures stay
    assert "a sentence of 27 words (at most 25)" in failures
    assert "Flesch reading ease" in failures and "(target 70 or more)" in failures
    # the sentence, where it is, and what weighs it down, with the plain swaps
    assert f"line {hard_line}: Flesch" in failures and repr(HARD) in failures
    assert "processing → use, keep, share (say which)" in failures
    assert "personal data → information about you" in failures
    assert "statutory → required by law" in failures
    assert "responsibilities (6 syllables)" in failures
    assert "regarding → about" in failures
    assert "unexplained legal term 'processing': use a plain word (processing → use, keep, share (say " \
           "which))" in failures
    assert f"line {hard_line}: We are [[processing]] your personal data in accordance with …" in failures
    # and the JSON keeps the figures
    assert report.readability["section why-we-use-it"]["longest"] == 27


def test_average_sentence_failure_names_the_longest_sentences() -> None:
    long_one = " ".join(["word"] * 22) + "."
    problems = score(f"{long_one} {long_one} Short one.").problems(lambda s: 7)
    (average,) = [p for p in problems if p.startswith("average sentence")]
    assert average.startswith("average sentence 15.3 words (target 15 or fewer); 46 words in 3 sentence(s)")
    assert average.count(f"line 7: 22 words: {long_one!r}") == 2 and "Short one" not in average


# -- 3. check --watch ------------------------------------------------------------------------------

def test_watch_checks_again_after_each_change_without_waiting(tmp_path: Path) -> None:
    broken = _official(notice_toml(), "how-long-we-keep-it", LONG.replace("delete it", "destroy it"))
    path = write_notice(tmp_path, text=_official(notice_toml(), "how-long-we-keep-it", LONG))
    (tmp_path / "test.source.txt").write_text(SOURCE + LONG + "\n", "utf-8")
    out = io.StringIO()

    def changes() -> Iterator[str]:
        yield "first check"
        path.write_text(broken, "utf-8")  # the officer saves a change
        yield "test.toml changed"

    times = iter([datetime(2025, 3, 4, 9, 30, 5), datetime(2025, 3, 4, 9, 31, 10)])
    assert watch(path, changes=changes(), out=out, clock=lambda: next(times)) == 0
    text = out.getvalue()
    first, second = text.split("\n[09:30:05] first check\n")[1].split("\n[09:31:10] test.toml changed\n")
    assert "example/test  (test.toml): OK" in first and "=> OK" in first
    assert "FAILED: 1 problem(s)" in second and "[-delete-]{+destroy+}" in second
    assert "(since the last check: 0 fixed, 1 new)" in second
    for round_ in (first, second):
        # the ICO checklist by section, and the gaps
        assert "Controller identity and contact details" in round_
        assert "covered by who-we-are" in round_
        assert "GAP, stated missing in the source ([[gap]])" in round_  # the DPO
        assert "GAP, NOT COVERED" in round_  # retention: no section, no gap
        # each section's readability
        assert "section who-we-are" in round_ and "Flesch" in round_ and "pass" in round_


def test_watch_stops_on_ctrl_c_with_exit_0_and_after_max_rounds(tmp_path: Path) -> None:
    path = write_notice(tmp_path)

    def interrupted() -> Iterator[str]:
        yield "first check"
        raise KeyboardInterrupt

    out = io.StringIO()
    assert watch(path, changes=interrupted(), out=out) == 0
    assert out.getvalue().rstrip().endswith("Stopped watching.")
    out = io.StringIO()
    assert watch(path, changes=itertools.repeat("again"), out=out, max_rounds=2) == 0
    assert out.getvalue().count("=> OK") == 2


def test_watch_shows_a_broken_file_and_keeps_going(tmp_path: Path) -> None:
    path = write_notice(tmp_path)

    def changes() -> Iterator[str]:
        path.write_text(notice_toml().replace("[council]", "[council"), "utf-8")
        yield "test.toml changed"
        path.write_text(notice_toml(), "utf-8")
        yield "test.toml changed"

    out = io.StringIO()
    watch(path, changes=changes(), out=out)
    broken, fixed = out.getvalue().split("test.toml changed")[1:]
    assert "ERROR" in broken and "not valid TOML" in broken and "=> FAILED" in broken
    assert "=> OK" in fixed and "1 fixed, 0 new" in fixed


def test_poll_yields_when_the_notice_or_its_source_changes_not_when_only_touched(tmp_path: Path) -> None:
    path = write_notice(tmp_path)
    source = tmp_path / "test.source.txt"
    steps = iter([
        lambda: None,  # nothing changed
        lambda: path.write_text(path.read_text("utf-8") + "\n# edited\n", "utf-8"),
        lambda: os.utime(path, ns=(1, 1)),  # touched: same bytes
        lambda: source.write_text(SOURCE + "More text.\n", "utf-8"),
    ])
    events = poll(path, interval=0, sleep=lambda _seconds: next(steps)())
    assert next(events) == "first check"
    assert next(events) == "test.toml changed"
    assert next(events) == "test.source.txt changed"


def test_check_watch_on_the_command_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = write_notice(tmp_path)
    watched: list[Path] = []
    monkeypatch.setattr(check_module, "watch", lambda p: watched.append(p) or 0)
    assert main(["check", "--watch", str(path)]) == 0
    assert watched == [path]
    assert main(["check", "--watch"]) == 2
    assert main(["check", "--watch", str(path), "--json"]) == 2
    assert "--watch takes exactly one notice" in capsys.readouterr().err


# -- 4. not ready ----------------------------------------------------------------------------------

def _todo_notice(tmp_path: Path) -> Path:
    text = notice_toml("example/todo").replace(
        'dpo = "The notice gives no DPO contact."', 'dpo = "TODO: how to reach the DPO"')
    text = _plain(text, "your-rights", "TODO write this in plain words")
    return write_notice(tmp_path, text=text)


def test_todo_notice_is_not_ready_and_check_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    path = _todo_notice(tmp_path / "todo")
    notice = _notice(path)
    assert todo_keys(notice) == ["council.dpo", "section your-rights.plain"]
    report = check_notice(notice)
    assert report.failures == []  # not a failure of the content: a TODO is not scored
    assert not report.ready
    text = path.read_text("utf-8").splitlines()
    dpo_line = next(i for i, line in enumerate(text, 1) if line.startswith("dpo = "))
    assert report.not_ready().startswith(f"not ready: 2 TODOs: council.dpo (line {dpo_line}), "
                                         "section your-rights.plain (line ")
    full = run_check([path])
    assert not full.ok
    assert "1 not ready. FAILED" in format_report(full)
    assert full.as_dict()["notices"][0]["ready"] is False
    assert main(["check", str(path)]) == 1
    assert "not ready: 2 TODOs" in capsys.readouterr().out
    # a ready notice beside it passes on its own
    ready = write_notice(tmp_path / "ready")
    assert main(["check", str(ready)]) == 0


def test_official_text_starting_todo_is_the_councils_words_not_a_todo(tmp_path: Path) -> None:
    path = write_notice(tmp_path, text=notice_toml().replace(
        'title = "About who-we-are"', 'title = "TODO title"'))
    assert todo_keys(_notice(path)) == ["section who-we-are.title"]
    assert todo_keys(_notice(write_notice(tmp_path / "b"))) == []


def test_not_ready_notices_are_never_offered(tmp_path: Path, qtbot: QtBot) -> None:
    from familyprivacy.ui.council_picker import CouncilPicker, councils
    from familyprivacy.ui.notice_picker import NoticePicker

    todo = _notice(_todo_notice(tmp_path / "todo"))
    ready = _notice(write_notice(tmp_path / "ready"))
    other_council = _notice(write_notice(tmp_path / "other", text=notice_toml("other/todo").replace(
        'id = "example"', 'id = "other"').replace('name = "Example Council"', 'name = "Other Council"')
        .replace('title = "Test notice"', 'title = "TODO"')))
    assert ready_notices([todo, ready, other_council]) == [ready]
    assert councils([todo, ready, other_council]) == [("example", "Example Council")]

    picker = NoticePicker()
    qtbot.addWidget(picker)
    picker.set_notices([todo, ready])
    assert [b.key for b in picker.buttons] == ["example/test"]
    picker.set_notices([todo])
    assert picker.buttons == [] and not picker.empty.isHidden()
    council_picker = CouncilPicker([todo, ready, other_council])
    qtbot.addWidget(council_picker)
    assert [b.key for b in council_picker.buttons] == ["example"]


def test_the_notices_readme_lists_every_term_the_check_fails_with_its_swap() -> None:
    """An officer learns the word list from the README, not from the code."""
    from familyprivacy import paths
    from familyprivacy.content.readability import JARGON, SWAPS, WORD_SWAPS

    readme = (paths.resources_dir() / "notices" / "README.md").read_text("utf-8")
    for term in JARGON:
        assert f"| {term} | {SWAPS[term]} |" in readme, term
    for word, plain in WORD_SWAPS.items():
        assert f"{word} → {plain}" in readme, word
