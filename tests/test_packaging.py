"""What the bundle keeps and drops, and the packaging files' shapes, checked without building it.

Building and running the real bundle is ``make bundle-test`` (packaging/bundle_test.py),
which ``make test`` runs after this suite.
"""

from __future__ import annotations

import ast
import struct
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "packaging"))

import bundle_plan  # noqa: E402
import make_icons  # noqa: E402
import selftest_run  # noqa: E402

USED = bundle_plan.qt_modules_used()


def test_the_qt_modules_kept_are_the_ones_the_code_imports() -> None:
    assert {"QtCore", "QtGui", "QtWidgets", "QtSvg"} <= USED
    excluded = bundle_plan.qt_modules_excluded(
        ["QtCore", "QtGui", "QtWidgets", "QtSvg", "QtQml", "QtQuick", "QtSql", "QtTest", "QtNetwork"], USED)
    assert excluded == ["PySide6.QtNetwork", "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtSql",
                        "PySide6.QtTest"]


def test_a_module_first_imported_by_new_code_is_kept(tmp_path: Path) -> None:
    (tmp_path / "printing.py").write_text("from PySide6.QtPrintSupport import QPrinter\n")
    used = bundle_plan.qt_modules_used(tmp_path)
    assert {"QtPrintSupport", "QtWidgets", "QtGui", "QtCore"} <= used
    assert bundle_plan.keep_binary("PySide6/Qt/lib/libQt6PrintSupport.so.6", used)
    assert not bundle_plan.keep_binary("PySide6/Qt/lib/libQt6PrintSupport.so.6", USED - {"QtPrintSupport"})


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("PySide6/Qt/lib/libicudata.so.73", True),
    ("PySide6/Qt/lib/libQt6Svg.so.6", True),
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
    ("PySide6\\plugins\\platforms\\qwindows.dll", True),
    ("PySide6/Qt/lib/libQt6Qml.so.6", False),
    ("PySide6/Qt/lib/libQt6QuickControls2.so.6", False),
    ("PySide6/Qt/lib/libQt6Network.so.6", False),
    ("PySide6/Qt/lib/libQt6WaylandClient.so.6", False),
    ("PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6", False),
    ("PySide6/Qt/lib/libQt6SvgWidgets.so.6", False),
    ("PySide6/Qt/plugins/sqldrivers/libqsqlite.so", False),
    ("PySide6/Qt/plugins/tls/libqopensslbackend.so", False),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/xcbglintegrations/libqxcb-glx-integration.so", False),
    ("PySide6/Qt/plugins/platformthemes/libqgtk3.so", False),
    ("PySide6/Qt/plugins/imageformats/libqtiff.so", False),
    ("Qt6VirtualKeyboard.dll", False),
    ("python3.11/lib-dynload/_codecs_jp.cpython-311-x86_64-linux-gnu.so", False),
    ("python3.11/lib-dynload/_multibytecodec.cpython-311-x86_64-linux-gnu.so", False),
    ("_codecs_tw.pyd", False),
    ("python3.11/lib-dynload/pyexpat.cpython-311-x86_64-linux-gnu.so", False),
    ("python3.11/lib-dynload/_ssl.cpython-311-x86_64-linux-gnu.so", True),
    ("python3.11/lib-dynload/unicodedata.cpython-311-x86_64-linux-gnu.so", True),
])
def test_binaries(dest: str, kept: bool) -> None:
    assert bundle_plan.keep_binary(dest, USED) is kept


def test_babel_keeps_each_shipped_language_and_its_parents_only() -> None:
    languages = bundle_plan.shipped_languages()
    keep = bundle_plan.babel_locales_to_keep(b for _, b in languages)
    assert {"root", "en", "en_GB", "en_001", "pa_Guru", "pa", "pt_PT", "pt", "ckb", "ti", "so"} <= keep
    assert not {"de", "fr", "zh", "pa_Arab", "pt_BR", "en_US_POSIX"} & keep
    assert bundle_plan.keep_data("babel/locale-data/pa_Guru.dat", keep, set())
    assert not bundle_plan.keep_data("babel/locale-data/fr.dat", keep, set())
    # Every kept name is a real Babel locale: a typo would silently drop a language.
    from babel import localedata

    assert keep <= set(localedata.locale_identifiers()) | {"root"}


def test_babel_parents_follow_the_exceptions() -> None:
    chain = bundle_plan.babel_parents("pa_Guru_IN", {"pa_Guru_IN": "pa_Guru", "pa_Guru": "root"})
    assert chain[0] == "pa_Guru_IN" and set(chain) == {"pa_Guru_IN", "pa_Guru", "pa", "root"}
    assert set(bundle_plan.babel_parents("en_GB", {"en_GB": "en_001", "en_001": "en"})) == {
        "en_GB", "en_001", "en", "root"}


def test_only_shipped_qt_translations_and_no_source_or_qml_files() -> None:
    keep = {"en"}
    assert bundle_plan.keep_data("PySide6/Qt/translations/qtbase_pl.qm", keep, {"pl", "uk"})
    assert not bundle_plan.keep_data("PySide6/Qt/translations/qtbase_de.qm", keep, {"pl", "uk"})
    assert not bundle_plan.keep_data("PySide6/Qt/translations/qtdeclarative_pl.qm", keep, {"pl"})
    assert not bundle_plan.keep_data("PySide6/translations/qt_help_pl.qm", keep, {"pl"})
    assert not bundle_plan.keep_data("PySide6/Qt/qml/QtQuick/qmldir", keep, set())
    assert not bundle_plan.keep_data("PySide6\\qml\\QtQuick\\qmldir", keep, set())  # Windows layout
    assert not bundle_plan.keep_data("PySide6/Qt/libexec/QtWebEngineProcess", keep, set())
    assert not bundle_plan.keep_data("PySide6/QtCore.pyi", keep, set())
    assert bundle_plan.keep_data("familyprivacy/resources/notices/essex/childrens-services.toml", keep, set())


def test_libraries_only_a_dropped_plugin_needed_are_pruned_with_their_links() -> None:
    entries = [
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so", "/src/libcupsps.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6OpenGL.so.6", "/src/libQt6OpenGL.so.6", "BINARY"),  # only GL plugins
        ("libxcb-cursor.so.0", "/usr/lib/libxcb-cursor.so.0", "BINARY"),
        ("libxcb-util.so.1", "/usr/lib/libxcb-util.so.1", "BINARY"),  # needed by a needed library
        ("libcairo.so.2", "/usr/lib/libcairo.so.2", "BINARY"),  # only the GTK theme needed it
        ("libcups.so.2", "/usr/lib/libcups.so.2", "BINARY"),  # the system's own
        ("libgnutls.so.30", "/usr/lib/libgnutls.so.30", "BINARY"),  # only CUPS needed it
        ("libpython3.11.so.1.0", "/usr/lib/libpython3.11.so.1.0", "BINARY"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),  # target left out
        ("certifi/cacert.pem", "/src/cacert.pem", "DATA"),
    ]
    needs = {"/src/libqxcb.so": {"libxcb-cursor.so.0", "libQt6Gui.so.6", "libc.so.6"},
             "/usr/lib/libxcb-cursor.so.0": {"libxcb-util.so.1"},
             "/src/libcupsps.so": {"libcups.so.2"}, "/usr/lib/libcups.so.2": {"libgnutls.so.30"}}
    kept = [e[0] for e in bundle_plan.prune_libraries(entries, lambda src: needs.get(src, set()))]
    assert kept == ["PySide6/Qt/plugins/platforms/libqxcb.so",
                    "PySide6/Qt/plugins/printsupport/libcupsprintersupport.so",
                    "PySide6/Qt/lib/libQt6Gui.so.6", "libxcb-cursor.so.0", "libxcb-util.so.1",
                    "libpython3.11.so.1.0", "libQt6Gui.so.6", "certifi/cacert.pem"]


def test_elf_needs_are_read_from_the_file() -> None:
    import PySide6

    core = next((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libQt6Core.so.6"))
    needed = bundle_plan.elf_needed(str(core))
    assert {"libicui18n.so.73", "libicuuc.so.73"} <= needed
    assert not any(n.startswith("libQt6") for n in needed)


def test_catalogs_are_compiled_for_the_bundle(tmp_path: Path) -> None:
    datas = bundle_plan.compile_catalogs(tmp_path)
    pos = list((ROOT / "translations").glob("*/LC_MESSAGES/*.po"))
    mos = [src for src, _ in datas if src.endswith(".mo")]
    assert len(mos) == len(pos) and all(Path(m).stat().st_size > 0 for m in mos)
    assert all(dest.startswith("familyprivacy/translations") for _, dest in datas)
    assert any(src.endswith("familyprivacy.pot") for src, _ in datas)  # coverage reads the template


def test_the_spec_is_python_and_names_what_it_needs() -> None:
    spec = (ROOT / "packaging" / "familyprivacy.spec").read_text("utf-8")
    ast.parse(spec)
    for needed in ("COLLECT(", "exclude_binaries=True", "upx=False", "BUNDLE(", "version=version_file",
                   "familyprivacy/resources", "compile_catalogs", "collect_submodules(\"familyprivacy\")"):
        assert needed in spec, needed
    assert "onefile" not in spec.lower().replace("one-file", "")


def test_the_windows_version_resource_fills_in(tmp_path: Path) -> None:
    template = (ROOT / "packaging" / "windows" / "version_info.txt").read_text("utf-8")
    text = template.format(version="1.2.3", numbers=(1, 2, 3, 0))
    seen: dict[str, object] = {}

    def record(name: str):  # type: ignore[no-untyped-def]
        def make(*args: object, **kwargs: object) -> tuple[str, tuple[object, ...], dict[str, object]]:
            seen.setdefault(name, kwargs or args)
            return name, args, kwargs
        return make

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
             "VarFileInfo", "VarStruct")
    eval(text, {n: record(n) for n in names})  # the same evaluation PyInstaller does on Windows
    assert seen["FixedFileInfo"]["filevers"] == (1, 2, 3, 0)  # type: ignore[index]
    assert "'1.2.3'" in text and "FamilyPrivacy.exe" in text


def test_the_installer_script_installs_the_bundle() -> None:
    iss = (ROOT / "packaging" / "windows" / "familyprivacy.iss").read_text("utf-8")
    for needed in ("[Setup]", "[Files]", "..\\..\\dist\\familyprivacy", "FamilyPrivacy.exe",
                   "SetupIconFile=..\\icons\\familyprivacy.ico", "recursesubdirs"):
        assert needed in iss, needed


def test_icons_are_real_ico_and_icns_files() -> None:
    icons = ROOT / "packaging" / "icons"
    ico = (icons / "familyprivacy.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count == len(make_icons.ICO_SIZES)
    for i in range(count):
        _, _, _, _, _, _, size, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i: 22 + 16 * i])
        assert ico[offset:offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + size <= len(ico)
    icns = (icons / "familyprivacy.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert (icons / "familyprivacy.png").read_bytes()[:4] == b"\x89PNG"


def test_the_icon_writers_pack_what_they_are_given() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"x" * 10
    ico = make_icons.ico({16: png, 256: png})
    assert struct.unpack("<HHH", ico[:6]) == (0, 1, 2)
    assert ico[6] == 16 and ico[22] == 0  # 256 is written as 0, as the format says
    icns = make_icons.icns({size: png for _, size in make_icons.ICNS_TYPES})
    assert struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert icns[8:12] == b"icp4"


def test_a_self_test_report_is_read_back() -> None:
    text = ("familyprivacy 0.1.0 self-test (bundle, Python 3.11.7)\n"
            "ok    resources        5 notices  [2 ms]\n"
            "FAIL  records store    StoreError: nope  [3 ms]\n"
            "skip  qt translations  not part of this build  [0 ms]\n"
            "self-test FAILED: 1 of 3 checks, 0.1 s\n")
    header, checks = selftest_run.parse(text)
    assert "(bundle," in header
    assert checks == {"resources": "ok", "records store": "FAIL", "qt translations": "skip"}
    report = selftest_run.Report(1, header, checks, text, 0.1)
    assert not report.passed


def test_icu_keeps_what_qt_calls_and_drops_display_data() -> None:
    import icu_trim

    items = ["root.res", "pl.res", "coll/pl.res", "coll/root.res", "ucase.icu", "cnvalias.icu", "uts46.nrm",
             "zoneinfo64.res", "timezoneTypes.res", "lang/pl.res", "curr/pl.res", "zone/pl.res",
             "unit/pl.res", "region/pl.res", "brkitr/thaidict.dict", "brkitr/root.res", "rbnf/pl.res",
             "translit/root.res", "ibm-943_P15A-2003.cnv", "icu-internal-compound-t.cnv"]
    dropped = set(icu_trim.dropped(items))
    assert dropped == {"lang/pl.res", "curr/pl.res", "zone/pl.res", "unit/pl.res", "region/pl.res",
                       "rbnf/pl.res", "translit/root.res", "brkitr/thaidict.dict", "brkitr/root.res",
                       "ibm-943_P15A-2003.cnv"}


def test_the_icu_data_is_found_in_qts_library() -> None:
    import icu_trim
    import PySide6

    library = Path(PySide6.__file__).parent / "Qt" / "lib" / "libicudata.so.73"
    symbol, offset, size = icu_trim._data_symbol(library)
    assert symbol == "icudt73_dat" and size > 10_000_000
    with library.open("rb") as fh:
        fh.seek(offset)
        header = fh.read(32)
    assert header[2:4] == b"\xda\x27"  # ICU's data header magic


def test_measure_takes_the_figure_a_started_program_reports(tmp_path: Path) -> None:
    import subprocess

    import measure

    report = [sys.executable, "-c", "print('{\"first_topic_s\": 0.25}')", "--measure-startup"]
    wall, cpu = measure.timed(report, {"PATH": "/usr/bin:/bin"}, tmp_path, runs=3)
    assert wall == 0.25 and cpu > 0
    with pytest.raises(subprocess.CalledProcessError):
        measure.timed([sys.executable, "-c", "raise SystemExit(3)"], {}, tmp_path, runs=1)
    assert measure.unpacked_bytes(ROOT / "packaging" / "icons") == sum(
        p.stat().st_size for p in (ROOT / "packaging" / "icons").iterdir())


def test_the_linux_menu_entry_starts_the_bundle() -> None:
    lines = (ROOT / "packaging" / "linux" / "familyprivacy.desktop").read_text("utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    entry = dict(line.split("=", 1) for line in lines[1:] if "=" in line)
    assert entry["Type"] == "Application" and entry["Terminal"] == "false"
    assert entry["Exec"].endswith("/familyprivacy") and entry["Icon"] == "familyprivacy"
    # The app names itself "familyprivacy" (setDesktopFileName), so the window finds this entry.
    assert entry["StartupWMClass"] == "familyprivacy"
