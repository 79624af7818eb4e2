"""``pip install .`` gives a working install: resources and compiled catalogs travel in the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_carries_resources_and_works_outside_the_source_tree(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(dist), str(ROOT)], check=True, cwd=tmp_path)
    (wheel,) = dist.glob("familyprivacy-*.whl")
    listed = zipfile.ZipFile(wheel).namelist()
    names = set(listed)
    assert len(listed) == len(names), "no file twice"
    assert "familyprivacy/resources/compiled_templates/manifest.json" in names
    templates = len(list((ROOT / "resources" / "templates").glob("*.html")))
    compiled = [n for n in names if n.startswith("familyprivacy/resources/compiled_templates/tmpl_")]
    assert len(compiled) == templates
    assert "familyprivacy/resources/notices/README.md" in names
    assert "familyprivacy/resources/templates/notice_page.html" in names
    tomls = {n for n in names if n.startswith("familyprivacy/resources/notices/") and n.endswith(".toml")}
    assert len(tomls) == len(list((ROOT / "resources" / "notices").rglob("*.toml")))
    pos = list((ROOT / "translations").glob("*/LC_MESSAGES/*.po"))
    mos = {n for n in names if n.endswith(".mo")}
    assert len(mos) == len(pos), "every .po is compiled into the wheel"
    tracked = subprocess.run(["git", "ls-files", "*.mo"], cwd=ROOT, capture_output=True, text=True)
    assert tracked.stdout.strip() == "", ".mo files are built, never committed"

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site),
                    str(wheel)], check=True)
    probe = (
        "import familyprivacy, familyprivacy.paths as p\n"
        "from familyprivacy.content.loader import load_all\n"
        "r = load_all()\n"
        "print(familyprivacy.__file__)\n"
        "print(p.resources_dir())\n"
        "print(len(r.notices), len(r.errors))\n"
        "from familyprivacy.content.templating import environment\n"
        "print(type(environment().loader).__name__)\n"
        "print(environment().get_template('topic.html').filename)\n"
    )
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "FAMILYPRIVACY_DATA_DIR": str(tmp_path / "d"),
           "FAMILYPRIVACY_CACHE_DIR": str(tmp_path / "c")}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env,
                         cwd=tmp_path, check=True).stdout.splitlines()
    assert out[0].startswith(str(site)), out
    assert out[1].startswith(str(site)), "resources are found inside the installed package"
    loaded, errors = map(int, out[2].split())
    assert errors == 0
    assert loaded == len(tomls)
    # The templates compiled at build time are the ones the installed app uses.
    assert out[3] == "ChoiceLoader"
    assert out[4].startswith(str(site / "familyprivacy" / "resources" / "compiled_templates")), out
