"""``make wheel-test``: build the wheel, install it into a fresh virtual environment, run its self-test.

    python packaging/wheel_test.py

Proves that ``pip install familyprivacy-*.whl`` alone gives a working app, far
from the source tree: resources, compiled catalogs and every dependency come
from the wheel and its declared requirements (pip reuses its cache).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import selftest_run

ROOT = selftest_run.ROOT


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="fp-wheel-test-") as tmp:
        scratch = Path(tmp)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                        "-w", str(scratch / "dist"), str(ROOT)], check=True, cwd=scratch)
        (wheel,) = (scratch / "dist").glob("familyprivacy-*.whl")
        built = time.perf_counter() - start
        env_dir = scratch / "venv"
        venv.EnvBuilder(with_pip=True).create(env_dir)
        bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                        str(wheel)], check=True, cwd=scratch)
        installed = time.perf_counter() - start - built
        report = selftest_run.run([str(bin_dir / "familyprivacy")], selftest_run.clean_env(
            scratch / "home", FAMILYPRIVACY_DATA_DIR=str(scratch / "data")), cwd=scratch)
        print(report.text.rstrip())
        size = wheel.stat().st_size / 1e6
        print(f"wheel {wheel.name}: {size:.1f} MB, built in {built:.0f} s, installed with its "
              f"dependencies in {installed:.0f} s, self-test {report.seconds:.1f} s")
        if not report.passed or "(installed," not in report.header:
            print("wheel-test FAILED: the installed wheel's self-test did not pass")
            return 1
    print("wheel-test passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
