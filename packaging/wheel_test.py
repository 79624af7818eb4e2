"""``make wheel-test``: build the wheel, install it into a fresh virtual environment, run its self-test.

    python packaging/wheel_test.py

Proves that ``pip install familyprivacy-*.whl`` alone gives a working app, far
from the source tree: resources, compiled catalogs and every dependency come
from the wheel and its declared requirements. The requirements are installed at
the versions (and hashes) of uv.lock, exported by uv (``$UV``, else the one
``make`` installs), so the test never takes whatever is newest on the index.
"""

from __future__ import annotations

import os
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
        locked = scratch / "requirements.txt"
        subprocess.run([os.environ.get("UV") or str(ROOT / ".venv-uv" / "bin" / "uv"), "export", "--frozen",
                        "--no-dev", "--no-emit-project", "--no-header", "-q", "--format", "requirements-txt",
                        "-o", str(locked)], check=True, cwd=ROOT)
        env_dir = scratch / "venv"
        venv.EnvBuilder(with_pip=True).create(env_dir)
        bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
        pip = [str(bin_dir / "python"), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, "--require-hashes", "-r", str(locked)], check=True, cwd=scratch)
        subprocess.run([*pip, "--no-deps", str(wheel)], check=True, cwd=scratch)
        check = subprocess.run([str(bin_dir / "python"), "-m", "pip", "check"], cwd=scratch,
                               capture_output=True, text=True)
        if check.returncode:  # the wheel declares a requirement the lock does not satisfy
            print(check.stdout + check.stderr)
            print("wheel-test FAILED: the wheel's requirements and uv.lock disagree")
            return 1
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
