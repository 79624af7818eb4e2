"""``familyprivacy --self-test``: prove that this copy of the app works, wherever it was installed.

Council IT runs it after installing; CI runs it from the source tree, from an
installed wheel and from the PyInstaller bundle. It touches everything a bundle
can lose: notices, templates, catalogs, Babel's locale data, fonts, Qt plugins
(SVG, PDF, offscreen), Qt's own translations, the encrypted store. It prints one
line per check with a figure, and exits 0 only if every check passed. It uses
made-up people only, in a temporary folder it deletes, so its output holds no
names, identifiers or choices.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from familyprivacy import paths

OK, FAIL, SKIP = "ok", "FAIL", "skip"


class Skipped(Exception):
    """A part of the app that is not in this build yet (checked the same way in every build)."""


@dataclass
class Result:
    name: str
    status: str
    detail: str
    ms: float

    def line(self) -> str:
        return f"{self.status:<4}  {self.name:<16} {self.detail}  [{self.ms:.0f} ms]"


@dataclass
class Context:
    """What the checks share: the loaded notices, the languages, a scratch folder."""

    scratch: Path
    notices: list[Any] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)


def _optional(name: str) -> ModuleType:
    """Import a module that lands later in the project; a missing one skips its check."""
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            raise Skipped(f"{name} is not part of this build") from None
        raise


def where_installed() -> str:
    if paths.is_frozen():
        return "bundle"
    package = Path(__file__).resolve().parent
    return "installed" if paths.resources_dir().resolve().is_relative_to(package) else "source"


# --- the checks, in order: each returns its figure, or raises -----------------------------------

def check_resources(ctx: Context) -> str:
    notices = list(paths.notices_dir().rglob("*.toml"))
    fonts = list(paths.fonts_dir().glob("*.ttf"))
    templates = list(paths.templates_dir().glob("*.html"))
    if not notices or not fonts or not templates:
        raise RuntimeError(f"resources incomplete in {where_installed()}: {len(notices)} notices, "
                           f"{len(fonts)} fonts, {len(templates)} templates")
    return f"{len(notices)} notices, {len(fonts)} fonts, {len(templates)} templates ({where_installed()})"


def check_data_folder(ctx: Context) -> str:
    if os.environ.get("FAMILYPRIVACY_DATA_DIR"):
        kind = "set by FAMILYPRIVACY_DATA_DIR"
    else:
        kind = "portable, beside the program" if paths._portable_dir() else "per-user"
    probe = paths.data_dir() / f".selftest-{os.getpid()}"
    probe.write_bytes(b"ok")
    probe.unlink()
    return f"writable ({kind})"


def check_notices(ctx: Context) -> str:
    from familyprivacy.content.loader import load_all

    loaded = load_all()
    if loaded.errors:
        raise RuntimeError(f"{len(loaded.errors)} broken notice files; first: {loaded.errors[0]}")
    ctx.notices = loaded.notices
    sections = sum(len(n.sections) for n in loaded.notices)
    return f"{len(loaded.notices)} notices, {sections} sections"


def check_languages(ctx: Context) -> str:
    from familyprivacy.i18n import catalogs
    from familyprivacy.i18n.compile import plural_rule
    from familyprivacy.i18n.coverage import translated_languages
    from familyprivacy.i18n.languages import all_languages

    unnamed = [lang.code for lang in all_languages() if lang.native_name == lang.babel]
    if unnamed:
        raise RuntimeError(f"no CLDR name for {', '.join(unnamed)} (Babel locale data missing?)")
    for lang in all_languages():
        plural_rule(lang.code)
    ctx.languages = translated_languages()
    for code in ctx.languages:
        catalogs().load(code)
    # A broken or missing catalog file is an installation fault; a single rejected entry is a
    # translation fault that `familyprivacy check` reports, shown in English meanwhile.
    broken = [p for p in catalogs().problems if p.entry is None]
    if broken:
        raise RuntimeError(f"{len(broken)} catalogs unusable; first: {broken[0]}")
    rejected = len(catalogs().problems)
    return (f"{len(all_languages())} named in their own script, {len(ctx.languages)} with catalogs"
            + (f", {rejected} entries shown in English" if rejected else ""))


def check_notice_pages(ctx: Context) -> str:
    from familyprivacy.content.localize import localize
    from familyprivacy.content.render import render_html

    count = 0
    for lang in ["en", *ctx.languages]:
        for notice in ctx.notices:
            view = localize(notice, lang)
            html = render_html(view)
            if len(html) < 200 or not all(s.title.text for s in view.sections):
                raise RuntimeError(f"{notice.id} in {lang}: the page is empty or has untitled sections")
            count += len(view.sections)
    return f"{count} sections in {len(ctx.notices)} notices x {1 + len(ctx.languages)} languages"


def check_fonts(ctx: Context) -> str:
    fonts = _optional("familyprivacy.ui.fonts")
    families = fonts.register_fonts()
    missing = [f for f in fonts.ALL_FAMILIES if f not in families]
    if missing:
        raise RuntimeError(f"bundled fonts not loaded: {', '.join(missing)}")
    return f"{len(families)} families from {len(fonts.font_files())} files"


def check_icons(ctx: Context) -> str:
    icons = _optional("familyprivacy.ui.icons")
    names = sorted(p.stem for p in paths.icons_dir().glob("*.svg"))
    blank = [n for n in names if icons.icon(n, "#000000").pixmap(48, 48).isNull()]
    if not names or blank:
        raise RuntimeError(f"SVG icons did not draw: {', '.join(blank) or 'none found'}")
    return f"{len(names)} SVG icons drawn"


def check_topic_pages(ctx: Context) -> str:
    fonts = _optional("familyprivacy.ui.fonts")
    theme = _optional("familyprivacy.ui.theme")
    topic_page = _optional("familyprivacy.ui.topic_page")
    safe_browser = _optional("familyprivacy.ui.safe_browser")
    from familyprivacy.content.localize import localize
    from familyprivacy.i18n import languages

    browser = safe_browser.SafeBrowser()
    shown = 0
    for lang in ["en", *ctx.languages]:
        css = theme.page_css(False, 1.0, fonts.css_font_family(lang), fonts.line_height_percent(lang))
        for notice in ctx.notices:
            english = localize(notice, "en")
            view = localize(notice, lang)
            for page in topic_page.pages(view):
                for mode in topic_page.MODES:
                    html = topic_page.render_page(view, page, mode, css, english)
                    if mode == "plain":
                        browser.show_page(html, languages.is_rtl(lang))
                        if not browser.toPlainText().strip():
                            raise RuntimeError(f"{notice.id} {page.topic} in {lang}: nothing shown")
                        shown += 1
    browser.deleteLater()
    return f"{shown} topics shown in a text browser, {len(topic_page.MODES)} modes each"


def check_qt_translations(ctx: Context) -> str:
    qt_translations = _optional("familyprivacy.ui.qt_translations")
    from PySide6.QtCore import QTranslator

    from familyprivacy.i18n.languages import all_languages

    loaded = []
    for lang in all_languages():
        qm = qt_translations.qm_for(lang.code)
        if qm is not None:
            if not QTranslator().load(str(qm)):
                raise RuntimeError(f"Qt's translation for {lang.code} did not load")
            loaded.append(lang.code)
    if not loaded:
        raise RuntimeError("no qtbase translations found (Qt's translations folder is missing)")
    return f"{len(loaded)} languages ({' '.join(loaded)})"


def _summary(notice: Any, lang: str) -> Any:
    """The family's summary for made-up people, every choice answered, with a QR code."""
    import dataclasses

    from familyprivacy import summary
    from familyprivacy.consent import model
    from familyprivacy.content.localize import localize

    council = dataclasses.replace(notice.council, website=notice.council.website or "https://example.org/")
    view = localize(dataclasses.replace(notice, council=council), lang)
    visit = model.Visit(
        council_id="self-test", notice_id=notice.id, case_reference="SELFTEST-1",
        grantors=(model.Grantor(id="g1", name="Test Parent", relationship="mother"),),
        children=(model.Child(id="c1", name="Test Child"),),
        worker=model.Worker(name="Self-test worker", id="w1"), started_at=model.utc_now(),
        ended_at=None, language="en", content_fingerprint=view.fingerprint)
    decisions = {c.id: model.Decision(
        visit_id=visit.visit_id, choice_id=c.id, kind=c.kind, status="given", grantor_ids=("g1",),
        child_ids=("c1",), capture=model.Capture(method="verbal", witness="Test Witness"),
        recorded_by="w1", language=lang, content_fingerprint=view.fingerprint) for c in notice.choices}
    return summary.build(view, visit, decisions)


def check_pdf(ctx: Context) -> str:
    """The summary as the worker saves it (PDF) and prints it (through QPrinter, to a file)."""
    summary_pdf = _optional("familyprivacy.ui.summary_pdf")
    from PySide6.QtPrintSupport import QPrinter

    total = 0
    notice = max(ctx.notices, key=lambda n: len(n.choices))
    for lang in ["en", *ctx.languages]:
        out = summary_pdf.write_pdf(_summary(notice, lang), lang, ctx.scratch / f"summary-{lang}.pdf")
        data = out.read_bytes()
        if not data.startswith(b"%PDF") or b"/FontFile2" not in data or b"/Image" not in data:
            raise RuntimeError(f"the summary PDF in {lang} lacks its fonts or QR code")
        total += len(data)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(ctx.scratch / "printed.pdf"))
    summary_pdf.document(_summary(notice, "en"), "en").print_(printer)
    if not (ctx.scratch / "printed.pdf").read_bytes().startswith(b"%PDF"):
        raise RuntimeError("printing the summary gave no output")
    return f"{1 + len(ctx.languages)} family summaries saved as PDF with QR code, {total // 1024} KB; printed"


def check_store(ctx: Context) -> str:
    store_mod = _optional("familyprivacy.consent.store")
    from familyprivacy.consent import model

    path = ctx.scratch / "records" / "selftest.db"
    secret = "self-test " + os.urandom(8).hex()
    store_mod.Store.create(path, secret, "Self-test worker").close()
    store = store_mod.Store.open(path)
    try:
        store.unlock(secret)
        visit = model.Visit(
            council_id="self-test", notice_id="self-test/notice", case_reference="SELFTEST-1",
            grantors=(model.Grantor(id="g1", name="Test Parent", relationship="mother"),),
            children=(model.Child(id="c1", name="Test Child"),),
            worker=model.Worker(name="Self-test worker", id="w1"), started_at=model.utc_now(),
            ended_at=None, language="en", content_fingerprint="0" * 64)
        visit_id = store.record_visit(visit)
        store.record_decision(model.Decision(
            visit_id=visit_id, choice_id="help-and-support", kind="service-agreement", status="given",
            grantor_ids=("g1",), child_ids=("c1",),
            capture=model.Capture(method="verbal", witness="Test Witness"), recorded_by="Self-test worker",
            language="en", content_fingerprint="0" * 64))
        report = store.verify()
        if report.events != 2 or report.bodies_checked != 2:
            raise RuntimeError(f"verify saw {report.events} events, {report.bodies_checked} bodies")
    finally:
        store.close()
    shutil.rmtree(path.parent)
    if path.exists():
        raise RuntimeError("the temporary store was not deleted")
    return f"created, unlocked, {report.events} events written and verified, deleted"


CHECKS: tuple[tuple[str, Callable[[Context], str]], ...] = (
    ("resources", check_resources),
    ("data folder", check_data_folder),
    ("notices", check_notices),
    ("languages", check_languages),
    ("notice pages", check_notice_pages),
    ("fonts", check_fonts),
    ("icons", check_icons),
    ("topic pages", check_topic_pages),
    ("qt translations", check_qt_translations),
    ("pdf", check_pdf),
    ("records store", check_store),
)


def _application() -> Any:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication(sys.argv[:1])


def run_checks() -> list[Result]:
    app = _application()
    results: list[Result] = []
    scratch = Path(tempfile.mkdtemp(prefix="familyprivacy-selftest-"))
    ctx = Context(scratch)
    try:
        for name, check in CHECKS:
            start = time.perf_counter()
            try:
                status, detail = OK, check(ctx)
            except Skipped as exc:
                status, detail = SKIP, str(exc)
            except Exception as exc:  # a self-test reports every failure, it never stops at one
                status, detail = FAIL, f"{type(exc).__name__}: {exc}"
            app.processEvents()
            results.append(Result(name, status, detail, (time.perf_counter() - start) * 1000))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def measure_startup() -> int:
    """Print seconds from process start to the first painted topic page of a visit, as JSON.

    Process start is ``FAMILYPRIVACY_T0`` (``time.time()`` in the parent just before it
    started this process), so a bundle's bootloader counts too. The visit is the
    one bench/startup.py scripts, in a throw-away data folder.
    """
    t0 = float(os.environ.get("FAMILYPRIVACY_T0") or time.time())
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # Qt itself loads as the app loads it, below
    with tempfile.TemporaryDirectory(prefix="familyprivacy-start-") as data:
        os.environ["FAMILYPRIVACY_DATA_DIR"] = data
        from familyprivacy.ui.app import open_first_topic

        painted: list[float] = []
        window = open_first_topic(lambda: painted.append(time.time() - t0))
        shown = window.topic_view.browser.toPlainText().count("\n")
        window.close()
    print(json.dumps({"first_topic_s": painted[0], "lines_shown": shown}))
    return 0 if shown >= 3 else 1


def run() -> int:
    """Run every check, print the report, and return the exit status (0 only if all passed)."""
    from familyprivacy import __version__

    start = time.perf_counter()
    print(f"familyprivacy {__version__} self-test ({where_installed()}, Python {sys.version.split()[0]})")
    results = run_checks()
    for result in results:
        print(result.line())
    failed = [r for r in results if r.status == FAIL]
    total = time.perf_counter() - start
    if failed:
        print(f"self-test FAILED: {len(failed)} of {len(results)} checks, {total:.1f} s")
        return 1
    print(f"self-test passed: {len(results)} checks, {total:.1f} s")
    return 0
