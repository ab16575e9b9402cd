"""scripts/run-demo, the README's run command: the venv set-up never stops piloto from starting.

    python3 -m unittest discover -s backend/tests      (from the repo root)

`swift` and `npm` (and, to play a Debian without python3-venv, `python3 -m venv`) are replaced by
stand-ins on PATH that record how they were called; the venv and the `pip install --target`
folder live in a temporary directory (PILOTO_DEMO_VENV, PILOTO_DEMO_PYDEPS), so the repo's are
untouched, and pip gets an index on a closed port, so nothing is downloaded.
"""

import hashlib
import os
import socket
import stat
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "run-demo"


def write_exe(path: Path, text: str) -> None:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunDemoTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="run-demo-test-")
        self.dir = Path(self.tmp.name)
        self.fake = self.dir / "fakebin"
        self.fake.mkdir()
        self.out = self.dir / "swift.out"
        write_exe(self.fake / "swift", '#!/bin/sh\nprintf "%s\\n" "$*" > "$FAKE_OUT"\n'
                                       'command -v uvicorn >> "$FAKE_OUT" || echo none >> "$FAKE_OUT"\n')
        write_exe(self.fake / "npm", '#!/bin/sh\n[ -z "$FAKE_NPM_FAIL" ]\n')

    def tearDown(self):
        self.tmp.cleanup()

    def run_demo(self, venv: Path, *args, **env):
        full_env = {**os.environ, "PATH": f"{self.fake}{os.pathsep}{os.environ['PATH']}",
                    "FAKE_OUT": str(self.out), "PILOTO_DEMO_VENV": str(venv),
                    "PILOTO_DEMO_PYDEPS": str(self.dir / "pydeps"), **env}
        return subprocess.run([str(SCRIPT), *args], env=full_env, capture_output=True, text=True, timeout=300)

    def test_pip_failing_still_starts_piloto_and_says_why_in_one_line(self):
        venv = self.dir / "venv"
        result = self.run_demo(venv, "--port", "9000", **self.no_index())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.out.read_text().splitlines()[0], "run -c release piloto serve --dev --port 9000")
        failures = [line for line in result.stderr.splitlines() if "pip install failed" in line]
        self.assertEqual(len(failures), 1, result.stderr)
        self.assertTrue(failures[0].startswith("run-demo: "))
        self.assertFalse((venv / ".requirements.sha256").exists(), "a failed install must be retried next time")

    def test_an_installed_venv_is_reused_and_first_on_path(self):
        venv = self.dir / "venv"
        (venv / "bin").mkdir(parents=True)
        os.symlink(sys.executable, venv / "bin" / "python")
        write_exe(venv / "bin" / "uvicorn", "#!/bin/sh\n")
        (venv / ".requirements.sha256").write_text(self.requirements_digest() + "\n")
        result = self.run_demo(venv)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("installing", result.stderr)
        lines = self.out.read_text().splitlines()
        self.assertEqual(lines, ["run -c release piloto serve --dev", str(venv / "bin" / "uvicorn")])

    def test_no_venv_module_falls_back_to_pip_target_and_still_starts_piloto(self):
        # Debian without python3-venv: `python3 -m venv` fails after creating part of the folder;
        # every other python3 call is the real one (here pip install --target, with no index).
        write_exe(self.fake / "python3", '#!/bin/sh\nif [ "$2" = venv ]; then mkdir -p "$3/bin"\n'
                                         'echo "The virtual environment was not created successfully" >&2; exit 1; fi\n'
                                         f'exec {sys.executable} "$@"\n')
        venv, pydeps = self.dir / "venv", self.dir / "pydeps"
        result = self.run_demo(venv, PILOTO_DEMO_PYDEPS=str(pydeps), **self.no_index())
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(self.out.exists())
        lines = result.stderr.splitlines()
        fallback = [line for line in lines if "venv failed" in line]
        self.assertEqual(len(fallback), 1, result.stderr)
        self.assertIn("was not created successfully", fallback[0])
        self.assertIn("pip install --target", fallback[0])
        self.assertEqual(len([line for line in lines if "pip install failed" in line]), 1, result.stderr)
        self.assertFalse(venv.exists(), "a half-made venv is removed so the next run tries again")
        self.assertFalse((pydeps / ".requirements.sha256").exists())

    def test_pip_target_install_is_reused_and_on_pythonpath(self):
        write_exe(self.fake / "python3", '#!/bin/sh\n[ "$2" = venv ] && exit 1\n'
                                         f'exec {sys.executable} "$@"\n')
        write_exe(self.fake / "swift", '#!/bin/sh\nprintf "%s\\n" "$PYTHONPATH" > "$FAKE_OUT"\n'
                                       'command -v uvicorn >> "$FAKE_OUT"\n')
        pydeps = self.dir / "pydeps"
        (pydeps / "bin").mkdir(parents=True)
        write_exe(pydeps / "bin" / "uvicorn", "#!/bin/sh\n")
        (pydeps / ".requirements.sha256").write_text(self.requirements_digest() + "\n")
        result = self.run_demo(self.dir / "venv", PILOTO_DEMO_PYDEPS=str(pydeps), PYTHONPATH="")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn("installing", result.stderr)
        self.assertEqual(self.out.read_text().splitlines(), [str(pydeps), str(pydeps / "bin" / "uvicorn")])

    @staticmethod
    def no_index():
        return {"PIP_INDEX_URL": f"http://127.0.0.1:{closed_port()}/simple", "PIP_RETRIES": "0",
                "PIP_TIMEOUT": "1", "PIP_NO_CACHE_DIR": "1", "PIP_FIND_LINKS": ""}

    @staticmethod
    def requirements_digest():
        return hashlib.sha256((REPO / "backend" / "requirements.txt").read_bytes()).hexdigest()

    def test_a_failed_spa_build_stops_before_piloto(self):
        result = self.run_demo(self.dir / "venv", FAKE_NPM_FAIL="1")
        self.assertEqual(result.returncode, 1)
        self.assertIn("the SPA build failed", result.stderr)
        self.assertFalse(self.out.exists())


if __name__ == "__main__":
    unittest.main()
