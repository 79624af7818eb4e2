"""Run ``familyprivacy --self-test`` as a separate program and read its report.

Shared by bundle_test.py, wheel_test.py and measure.py: the report format is
one header line, one line per check (``ok``/``FAIL``/``skip``, name, figure,
``[N ms]``) and a closing verdict.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_LINE = re.compile(r"^(ok|FAIL|skip)\s+(\S+(?: \S+)?)\s{2,}")


@dataclass
class Report:
    returncode: int
    header: str
    checks: dict[str, str]  # check name -> status
    text: str
    seconds: float

    @property
    def passed(self) -> bool:
        return self.returncode == 0 and bool(self.checks) and "FAIL" not in self.checks.values()


def parse(text: str) -> tuple[str, dict[str, str]]:
    lines = text.splitlines()
    checks = {}
    for line in lines[1:]:
        match = _LINE.match(line)
        if match:
            checks[match.group(2).strip()] = match.group(1)
    return (lines[0] if lines else ""), checks


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """A bare environment: no venv, no PYTHONPATH, a fresh home; offscreen Qt."""
    system_path = (os.path.join(os.environ.get("SYSTEMROOT", r"C:\Windows"), "System32")
                   if sys.platform == "win32" else "/usr/bin:/bin")
    env = {"PATH": system_path, "HOME": str(home), "QT_QPA_PLATFORM": "offscreen", "LANG": "C.UTF-8"}
    for key in ("SYSTEMROOT", "TEMP", "TMP", "TMPDIR"):  # Windows needs these to start at all
        if key in os.environ:
            env[key] = os.environ[key]
    env.update(extra)
    return env


def run(command: list[str], env: dict[str, str], cwd: Path, timeout: float = 300) -> Report:
    start = time.perf_counter()
    done = subprocess.run([*command, "--self-test"], env=env, cwd=cwd, capture_output=True, text=True,
                          timeout=timeout)
    seconds = time.perf_counter() - start
    header, checks = parse(done.stdout)
    return Report(done.returncode, header, checks, done.stdout + done.stderr, seconds)


def source_command() -> list[str]:
    return [sys.executable, "-m", "familyprivacy"]


def source_env(home: Path, **extra: str) -> dict[str, str]:
    return clean_env(home, PYTHONPATH=str(ROOT / "src"), **extra)


def bundle_executable(bundle: Path) -> Path:
    for name in ("familyprivacy", "familyprivacy-cli.exe", "Contents/MacOS/familyprivacy-cli"):
        if (bundle / name).is_file():
            return bundle / name
    raise FileNotFoundError(f"{bundle}: no familyprivacy executable in it (run make bundle)")
