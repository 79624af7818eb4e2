"""``make bundle-test``: the built one-folder bundle works on its own, lean, and in portable mode.

    python packaging/bundle_test.py [dist/familyprivacy]

Checks what only a built bundle can show: its self-test passes outside the
source tree with a bare environment and gives the same checks as the source;
it carries compiled catalogs but no .po, only the shipped languages' Babel and
Qt translation data, no QML or unused Qt modules, no dangling links; data goes
to the per-user folder normally and beside the program when ``portable.txt`` is
there. Prints one line per check; exits 1 if any failed.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_plan
import selftest_run

ROOT = bundle_plan.ROOT


def internal(bundle: Path) -> Path:
    return bundle / "_internal" if (bundle / "_internal").is_dir() else bundle


def check_contents(bundle: Path) -> str:
    inner = internal(bundle)
    files = [p for p in inner.rglob("*") if p.is_file() or p.is_symlink()]
    names = [p.relative_to(inner).as_posix() for p in files]
    problems = []
    dangling = [n for n, p in zip(names, files, strict=True) if p.is_symlink() and not p.exists()]
    problems += [f"dangling link {n}" for n in dangling]
    problems += [f"source catalog {n}" for n in names if n.endswith(".po")]
    pos = {p.relative_to(ROOT / "translations").with_suffix(".mo").as_posix()
           for p in (ROOT / "translations").glob("*/LC_MESSAGES/*.po")}
    mos = {n.split("familyprivacy/translations/", 1)[1] for n in names
           if n.startswith("familyprivacy/translations/") and n.endswith(".mo")}
    problems += [f"missing compiled catalog {m}" for m in sorted(pos - mos)]
    unwanted = ("/qml/", "Qt6Qml", "Qt6Quick", "Qt6WebEngine", "Qt6Pdf", "Qt6Network", "Qt6Sql",
                "Qt6Test", "Qt6Designer", "Qt6Help", "Qt6VirtualKeyboard", "Qt6Multimedia", "Qt63D",
                "QtQml.", "QtQuick.", "QtNetwork.", "libqgtk3", "familyprivacy/server/")
    problems += [f"unused {n}" for n in names if any(u in n for u in unwanted)]
    languages = bundle_plan.shipped_languages()
    keep = bundle_plan.babel_locales_to_keep(b for _, b in languages)
    babel = {Path(n).stem for n in names if n.startswith("babel/locale-data/")}
    problems += [f"Babel data for {b}" for b in sorted(babel - keep)]
    problems += [f"no Babel data for {b}" for b in sorted({b for _, b in languages} - babel)]
    shipped = {c.split("-")[0] for c, _ in languages}
    for n in names:
        if "/translations/qt" in n and n.endswith(".qm"):
            lang = n.rsplit("_", 1)[-1].removesuffix(".qm")
            if not n.rsplit("/", 1)[-1].startswith("qtbase_") or lang not in shipped:
                problems.append(f"unshipped Qt translation {n}")
    if problems:
        raise AssertionError("; ".join(problems[:8]) + (f" (+{len(problems) - 8} more)" if len(problems) > 8
                                                        else ""))
    size = sum(p.stat().st_size for p in files if not p.is_symlink())
    icu = sum(p.stat().st_size for p in files if p.name.startswith("libicudata") and not p.is_symlink())
    return (f"{len(files)} files, {size / 1e6:.1f} MB, {len(mos)} catalogs, "
            f"{len(babel)} Babel locales, ICU data {icu / 1e6:.1f} MB, no QML or unused Qt")


def check_self_test(bundle: Path, scratch: Path) -> str:
    exe = selftest_run.bundle_executable(bundle)
    frozen = selftest_run.run([str(exe)], selftest_run.clean_env(
        scratch / "home-b", FAMILYPRIVACY_DATA_DIR=str(scratch / "data-b")), cwd=scratch)
    if not frozen.passed or "(bundle," not in frozen.header:
        raise AssertionError(f"the bundle's self-test failed:\n{frozen.text}")
    source = selftest_run.run(selftest_run.source_command(), selftest_run.source_env(
        scratch / "home-s", FAMILYPRIVACY_DATA_DIR=str(scratch / "data-s")), cwd=ROOT)
    if source.checks != frozen.checks:
        differ = sorted(k for k in source.checks.keys() | frozen.checks.keys()
                        if source.checks.get(k) != frozen.checks.get(k))
        raise AssertionError(f"bundle and source self-tests differ on {', '.join(differ)}:\n{frozen.text}")
    print(frozen.text.rstrip())
    return f"{len(frozen.checks)} checks as from source, {frozen.seconds:.1f} s"


def check_data_folders(bundle: Path, scratch: Path) -> str:
    """Per-user data normally; beside the program when portable.txt is there, and nothing in the home."""
    copy = scratch / "copy" / bundle.name
    shutil.copytree(bundle, copy, symlinks=True)
    exe = selftest_run.bundle_executable(copy)
    home = scratch / "home-u"
    normal = selftest_run.run([str(exe)], selftest_run.clean_env(home), cwd=scratch)
    if not normal.passed or "per-user" not in normal.text:
        raise AssertionError(f"installed mode:\n{normal.text}")
    if not any(home.rglob("FamilyPrivacy")):
        raise AssertionError("installed mode did not use the per-user data folder")
    (exe.parent / "portable.txt").write_text("Data is kept in the data folder beside this file.\n")
    home = scratch / "home-p"
    portable = selftest_run.run([str(exe)], selftest_run.clean_env(home), cwd=scratch)
    if not portable.passed or "portable, beside the program" not in portable.text:
        raise AssertionError(f"portable mode:\n{portable.text}")
    if not (exe.parent / "data").is_dir() or any(home.rglob("FamilyPrivacy")):
        raise AssertionError("portable mode did not keep its data beside the program only")
    return "per-user when installed; beside the program with portable.txt, nothing in the home folder"


def main(argv: list[str]) -> int:
    bundle = Path(argv[0] if argv else ROOT / "dist" / "familyprivacy").resolve()
    checks: list[tuple[str, Callable[[Path, Path], str]]] = [
        ("contents", lambda b, s: check_contents(b)),
        ("self-test", check_self_test),
        ("data folders", check_data_folders),
    ]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="fp-bundle-test-") as tmp:
        for name, check in checks:
            scratch = Path(tmp) / name.replace(" ", "-")
            scratch.mkdir()
            try:
                print(f"ok    bundle {name}: {check(bundle, scratch)}")
            except (AssertionError, OSError) as exc:
                failed += 1
                print(f"FAIL  bundle {name}: {exc}")
    print("bundle-test passed" if not failed else f"bundle-test FAILED: {failed} of {len(checks)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
