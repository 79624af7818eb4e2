"""``familyprivacy --self-test`` passes on a good install and fails, naming the part, on a broken one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from familyprivacy import cli, paths, selftest
from tests.waiting import HANG_GUARD


def test_every_check_passes_from_source(qtbot: QtBot, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--self-test"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("familyprivacy ") and "(source," in out[0]
    lines = {line.split()[1]: line for line in out[1:-1] if line.split()[0] in ("ok", "skip")}
    assert len(out) == len(selftest.CHECKS) + 2, out
    for name in ("resources", "notices", "languages", "pdf"):
        assert name in lines, out
    # Every line carries a figure and its time.
    assert all(line.rstrip().endswith(" ms]") for line in out[1:-1])
    assert out[-1].startswith("self-test passed: ")


def test_the_store_check_leaves_nothing_behind(qtbot: QtBot, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selftest.tempfile, "mkdtemp", lambda prefix: str(tmp_path / "scratch"))
    (tmp_path / "scratch").mkdir()
    results = {r.name: r for r in selftest.run_checks()}
    assert results["records store"].status == selftest.OK, results["records store"].detail
    assert results["pdf"].status == selftest.OK, results["pdf"].detail
    assert not (tmp_path / "scratch").exists()


def test_missing_resources_fail_with_the_part_named(qtbot: QtBot, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "resources"
    shutil.copytree(paths.resources_dir(), broken, ignore=shutil.ignore_patterns("*.ttf"))
    monkeypatch.setenv("FAMILYPRIVACY_RESOURCES", str(broken))
    results = {r.name: r for r in selftest.run_checks()}
    assert results["resources"].status == selftest.FAIL
    assert "0 fonts" in results["resources"].detail
    assert results["notices"].status == selftest.OK  # one broken part does not stop the others
    assert selftest.run() == 1
    assert "self-test FAILED" in capsys.readouterr().out


def test_a_broken_notice_fails_the_notices_check(qtbot: QtBot, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "resources"
    shutil.copytree(paths.resources_dir(), broken)
    first = sorted((broken / "notices").rglob("*.toml"))[0]
    first.write_text(first.read_text("utf-8") + "\n[[section]\n", "utf-8")
    monkeypatch.setenv("FAMILYPRIVACY_RESOURCES", str(broken))
    results = {r.name: r for r in selftest.run_checks()}
    assert results["notices"].status == selftest.FAIL
    assert first.name in results["notices"].detail


def test_a_missing_later_feature_is_skipped_not_failed(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    real = selftest.importlib.import_module

    def without_store(name: str) -> object:
        if name == "familyprivacy.consent.store":
            raise ModuleNotFoundError(name=name)
        return real(name)

    monkeypatch.setattr(selftest.importlib, "import_module", without_store)
    results = {r.name: r for r in selftest.run_checks()}
    assert results["records store"].status == selftest.SKIP
    assert all(r.status != selftest.FAIL for r in results.values()), results


def test_measure_startup_reports_the_first_painted_topic(tmp_path: Path) -> None:
    import json
    import os
    import subprocess
    import sys
    import time

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", FAMILYPRIVACY_T0=repr(time.time()),
               FAMILYPRIVACY_DATA_DIR=str(tmp_path / "data"), FAMILYPRIVACY_CACHE_DIR=str(tmp_path / "cache"))
    done = subprocess.run([sys.executable, "-m", "familyprivacy", "--measure-startup"], env=env,
                          capture_output=True, text=True, timeout=HANG_GUARD, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    # what it reports, not how fast: a time after the parent's T0, and the topic's lines on the page
    assert set(figures) == {"first_topic_s", "lines_shown"}, figures
    assert isinstance(figures["first_topic_s"], float) and figures["first_topic_s"] > 0
    assert figures["lines_shown"] >= 3
    data = tmp_path / "data"
    assert not data.exists() or not any(data.iterdir()), "the measurement keeps nothing in the data folder"


def test_an_unusable_catalog_fails_the_languages_check(qtbot: QtBot, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from familyprivacy import i18n

    broken = tmp_path / "translations"
    shutil.copytree(paths.translations_dir(), broken, ignore=shutil.ignore_patterns("*.mo", "*.json"))
    po = sorted(broken.glob("*/LC_MESSAGES/*.po"))[0]
    po.write_text(po.read_text("utf-8")[: len(po.read_text("utf-8")) // 2] + '\nmsgid "cut', "utf-8")
    monkeypatch.setenv("FAMILYPRIVACY_TRANSLATIONS", str(broken))
    i18n.catalogs().reload()
    try:
        results = {r.name: r for r in selftest.run_checks()}
    finally:
        monkeypatch.delenv("FAMILYPRIVACY_TRANSLATIONS")
        i18n.catalogs().reload()
    assert results["languages"].status == selftest.FAIL
    assert "unusable" in results["languages"].detail and po.name in results["languages"].detail
