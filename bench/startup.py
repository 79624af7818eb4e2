"""Start-up, language switch and memory of the app, beside a bare PySide6 window measured in the same run.

Each figure comes from fresh processes (median of several), so imports and font
loading count exactly as they do for a caseworker opening the laptop:

    bare   start of the process to the first paint of an empty QWidget
    floor  the same for the stack the issue prescribes, with none of the app: Qt's enums,
           the bundled fonts with every language's name measured in its own script, and
           a line rendered by autoescaped Jinja2 into a QTextBrowser (what no version of
           the app can start below)
    app    start of the process to the first painted topic page of a visit
    window start of the process to the first paint of the app as a caseworker opens it
           (locked: the unlock screen)
    switch one live language change, re-rendering every screen (median of many)
    tap    the family's choice of language to their first painted page, after a second
           spent reading the list (as in a visit): English, and Urdu (its Nastaliq is the
           slowest script to set, and it restyles every widget)
    memory peak resident set size of each process

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/startup.py [--runs N] [--instructions]

Times on a shared machine swing by a third from one minute to the next. ``--instructions``
adds a figure that does not: the instructions each kind of process executes from its start
to its first paint, counted by Valgrind (callgrind), one process of each kind.
"""

from __future__ import annotations

# A child process imports only what it needs to take its readings, so the bench's own
# modules (argparse, subprocess, statistics...) do not add to either figure it compares.
import json
import os
import resource
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SWITCH_LANGUAGES = ("pl", "ur", "en-XA", "ar-XB", "pa", "en")


def _cpu_s() -> float:
    """CPU time of this process so far: steadier than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _painted(record: list[float], t0: float) -> None:
    """Take the first-paint reading; when counting instructions, stop right there."""
    record.extend((time.time() - t0, _cpu_s()))
    if os.environ.get("BENCH_EXIT_AT_PAINT"):
        os._exit(0)


def child_bare(t0: float) -> dict[str, float]:
    from PySide6.QtWidgets import QApplication, QWidget

    from familyprivacy.ui.first_paint import run_until_first_paint

    QApplication([])
    painted: list[float] = []
    window = QWidget()
    window.resize(1200, 800)
    run_until_first_paint(window, window.show, lambda: _painted(painted, t0))
    extra = sorted(m for m in sys.modules if m.startswith("familyprivacy.")
                   and m not in ("familyprivacy.ui", "familyprivacy.ui.first_paint"))
    if extra:
        raise RuntimeError(f"the bare window loaded part of the app: {extra}")
    return {"start_s": painted[0], "start_cpu_s": painted[1], "peak_mb": _peak_mb()}


# Each language the picker offers, named in its own script (as the family sees them).
NATIVE_NAMES = ("English", "Polski", "Română", "ਪੰਜਾਬੀ", "اردو", "Português", "Español", "العربية", "বাংলা",
                "ગુજરાતી", "Italiano", "Lietuvių", "Українська", "فارسی", "پښتو", "کوردیی ناوەندی", "ትግርኛ",
                "Soomaali")


def child_floor(t0: float) -> dict[str, float]:
    """What the issue's own choices cost, with none of the app: a window whose first paint
    shows a line rendered by autoescaped Jinja2 into a QTextBrowser, set in the bundled Noto
    fonts after measuring every language's name in its own script, using Qt's enums.

    The app cannot start for less than this; the bare window is the issue's baseline.
    """
    import jinja2
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
    from PySide6.QtWidgets import QApplication, QTextBrowser

    from familyprivacy.ui.first_paint import run_until_first_paint, viewport_of

    QApplication([])
    families: list[str] = []
    # The fonts' folder is named here, not asked of familyprivacy.paths: importing that module
    # brings platformdirs (23 M instructions), which is the app's cost, not the stack's.
    fonts = os.path.join(ROOT, "resources", "fonts")
    for name in sorted(os.listdir(fonts)):
        if name.endswith(".ttf"):
            families += QFontDatabase.applicationFontFamilies(
                QFontDatabase.addApplicationFont(os.path.join(fonts, name)))
    nastaliq = "Noto Nastaliq Urdu"
    font = QFont()
    font.setFamilies(["Noto Sans", *dict.fromkeys(f for f in families if f not in ("Noto Sans", nastaliq))])
    urdu = QFont(font)
    urdu.setFamilies([nastaliq, *font.families()])
    widths = [QFontMetrics(urdu if name == "اردو" else font).horizontalAdvance(name) for name in NATIVE_NAMES]
    page = jinja2.Environment(autoescape=True).from_string("<h1>{{ title }}</h1><p>{{ text }}</p>")
    browser = QTextBrowser()
    browser.setFont(font)
    browser.setAlignment(Qt.AlignmentFlag.AlignLeading)
    browser.resize(1200, 800)
    painted: list[float] = []

    def start() -> None:
        browser.setHtml(page.render(title="Your information", text="What the council keeps, and why."))
        browser.show()

    run_until_first_paint(viewport_of(browser), start, lambda: _painted(painted, t0))
    if min(widths) <= 0:
        raise RuntimeError("a language's name measured nothing")
    return {"start_s": painted[0], "start_cpu_s": painted[1], "peak_mb": _peak_mb()}


def child_window(t0: float) -> dict[str, float]:
    from familyprivacy.ui.app import application, build_window
    from familyprivacy.ui.first_paint import run_until_first_paint

    app = application()
    window = build_window(app, lock=True)
    window.resize(1200, 800)
    screen = window.stack.currentWidget()
    if screen is None or type(screen).__name__ != "UnlockScreen":
        raise RuntimeError(f"the app opened at {type(screen).__name__}, not locked")
    painted: list[float] = []
    run_until_first_paint(screen, window.show, lambda: _painted(painted, t0))
    return {"start_s": painted[0], "start_cpu_s": painted[1], "peak_mb": _peak_mb()}


def child_app(t0: float, switches: int) -> dict[str, float]:
    from familyprivacy.ui.app import open_first_topic

    painted: list[float] = []
    window = open_first_topic(lambda: _painted(painted, t0))
    from PySide6.QtWidgets import QApplication  # loaded by now: importing it first would change the order

    if window.topic_view.browser.toPlainText().count("\n") < 3:
        raise RuntimeError("the topic page is empty")
    times = []
    for i in range(switches):
        lang = SWITCH_LANGUAGES[i % len(SWITCH_LANGUAGES)]
        start = time.perf_counter()
        window.set_language(lang)
        QApplication.processEvents()  # the repaint is part of what the family waits for
        times.append(time.perf_counter() - start)
    import statistics  # after the readings

    window.set_language("en")
    if window.visit is None or window.visit.languages_used != ["en", *SWITCH_LANGUAGES[:-1]]:
        raise RuntimeError("the language switches did not reach the visit")
    return {"start_s": painted[0], "start_cpu_s": painted[1], "switch_ms": statistics.median(times) * 1000,
            "switch_max_ms": max(times) * 1000, "peak_mb": _peak_mb()}


def child_tap(t0: float, lang: str = "en") -> dict[str, float]:
    from PySide6.QtCore import QEventLoop, QTimer

    from familyprivacy.ui.app import first_visit
    from familyprivacy.ui.first_paint import run_until_first_paint, viewport_of

    window = first_visit()
    reading = QEventLoop()
    QTimer.singleShot(1000, reading.quit)  # the family reads the list of languages
    reading.exec()
    start = time.perf_counter()
    painted: list[float] = []
    run_until_first_paint(viewport_of(window.topic_view.browser), lambda: window.choose_language(lang),
                          lambda: painted.append(time.perf_counter() - start))
    return {"tap_ms": painted[0] * 1000}


def run_child(kind: str, switches: int) -> dict[str, float]:
    import subprocess
    import tempfile

    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPATH=os.path.join(ROOT, "src"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # measured as installed: modules already compiled
    with tempfile.TemporaryDirectory() as data:
        env["FAMILYPRIVACY_DATA_DIR"] = data
        env["BENCH_T0"] = repr(time.time())
        out = subprocess.run([sys.executable, __file__, "--child", kind, "--switches", str(switches)],
                             env=env, capture_output=True, text=True, check=True, timeout=300)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def count_instructions(kind: str) -> int:
    """Instructions one process of ``kind`` executes up to its first paint (Valgrind's callgrind)."""
    import re
    import subprocess
    import tempfile

    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               PYTHONPATH=os.path.join(ROOT, "src"), PYTHONHASHSEED="0", BENCH_EXIT_AT_PAINT="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as data:
        env["FAMILYPRIVACY_DATA_DIR"] = data
        env["BENCH_T0"] = repr(time.time())
        out = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={data}/callgrind.out",
                              sys.executable, __file__, "--child", kind, "--switches", "0"],
                             env=env, capture_output=True, text=True, timeout=900)
    found = re.search(r"Collected\s*:\s*(\d+)", out.stderr)
    if not found:
        raise RuntimeError(f"valgrind gave no count for {kind}: {out.stderr[-500:]}")
    return int(found.group(1))


def print_instructions() -> None:
    import concurrent.futures
    import shutil

    if shutil.which("valgrind") is None:
        print("instructions: valgrind is not installed (apt-get install valgrind)")
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:  # one process per core
        bare, app, window, floor = pool.map(count_instructions, ("bare", "app", "window", "floor"))
    print(f"{'instructions to first paint (M)':34}{bare / 1e6:14.0f}{app / 1e6:12.0f}{app / bare:8.2f}")
    print(f"{'instructions to the locked window':34}{'':14}{window / 1e6:12.0f}{window / bare:8.2f}")
    print(f"{'instructions, the stack alone':34}{'':14}{floor / 1e6:12.0f}{floor / bare:8.2f}")


def child_main(kind: str, switches: int) -> int:
    t0 = float(os.environ["BENCH_T0"])
    if kind == "bare":
        result = child_bare(t0)
    elif kind == "window":
        result = child_window(t0)
    elif kind == "tap":
        result = child_tap(t0)
    elif kind == "tap-ur":  # Nastaliq: the slowest script to set, and every widget restyled
        result = child_tap(t0, "ur")
    elif kind == "floor":
        result = child_floor(t0)
    else:
        result = child_app(t0, switches)
    print(json.dumps(result))
    return 0


def main() -> int:
    import argparse
    import statistics

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--switches", type=int, default=60)
    parser.add_argument("--child", choices=("bare", "floor", "app", "window", "tap", "tap-ur"))
    parser.add_argument("--instructions", action="store_true",
                        help="also count instructions to first paint with Valgrind (noise-free, slow)")
    args = parser.parse_args()
    if args.child:  # run by hand
        return child_main(args.child, args.switches)

    for kind in ("bare", "app", "window", "floor"):  # a first run writes bytecode and caches; not counted
        run_child(kind, args.switches)
    # Interleaved, so a machine that slows down or speeds up mid-run affects each kind alike.
    bare: list[dict[str, float]] = []
    app: list[dict[str, float]] = []
    opened: list[dict[str, float]] = []
    floors: list[dict[str, float]] = []
    taps: list[dict[str, float]] = []
    taps_ur: list[dict[str, float]] = []
    for _ in range(args.runs):
        bare.append(run_child("bare", 0))
        app.append(run_child("app", args.switches))
        opened.append(run_child("window", 0))
        floors.append(run_child("floor", 0))
        taps.append(run_child("tap", 0))
        taps_ur.append(run_child("tap-ur", 0))

    def med(rows: list[dict[str, float]], key: str) -> float:
        return statistics.median(r[key] for r in rows)

    bare_start, app_start = med(bare, "start_s"), med(app, "start_s")
    bare_cpu, app_cpu = med(bare, "start_cpu_s"), med(app, "start_cpu_s")
    bare_mem, app_mem = med(bare, "peak_mb"), med(app, "peak_mb")
    switch = med(app, "switch_ms")
    print(f"runs: {args.runs} processes each; {args.switches} language switches per app run")
    print(f"{'':34}{'bare window':>14}{'this app':>12}{'ratio':>8}{'target':>10}")
    print(f"{'start to first paint (s)':34}{bare_start:14.3f}{app_start:12.3f}"
          f"{app_start / bare_start:8.2f}{'<= 2.00':>10}")
    print(f"{'  of which CPU time (s)':34}{bare_cpu:14.3f}{app_cpu:12.3f}{app_cpu / bare_cpu:8.2f}")
    floor_start = med(floors, "start_s")
    print(f"{'the stack alone, no app (s)':34}{bare_start:14.3f}{floor_start:12.3f}"
          f"{floor_start / bare_start:8.2f}")
    open_start = med(opened, "start_s")
    print(f"{'start to the locked window (s)':34}{bare_start:14.3f}{open_start:12.3f}"
          f"{open_start / bare_start:8.2f}")
    print(f"{'peak memory (MB)':34}{bare_mem:14.1f}{app_mem:12.1f}{app_mem / bare_mem:8.2f}{'<= 2.00':>10}")
    print(f"{'language switch, median (ms)':34}{'':14}{switch:12.1f}{'':8}{'< 50':>10}")
    print(f"{'language switch, worst (ms)':34}{'':14}{max(r['switch_max_ms'] for r in app):12.1f}")
    print(f"{'tap on a language to its page (ms)':34}{'':14}{med(taps, 'tap_ms'):12.1f}")
    print(f"{'  the same, tapping Urdu (ms)':34}{'':14}{med(taps_ur, 'tap_ms'):12.1f}")
    if args.instructions:
        print_instructions()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child" and sys.argv[3] == "--switches":
        raise SystemExit(child_main(sys.argv[2], int(sys.argv[4])))
    raise SystemExit(main())
