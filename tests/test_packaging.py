"""The wheel and the sdist carry every file of the checkout that they should.

Both are built once per session, from a copy of the checkout's files (tracked, and new ones git does
not ignore) with the setuptools pyproject.toml asks for, as `pip wheel .` and `python -m build` do:
a data file the package-data patterns miss, or a stale file in build/, shows up here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_BUILD = (
    "import sys, setuptools.build_meta as b; out = sys.argv[1];"
    "s = b.build_sdist(out); w = b.build_wheel(out); print(f'built: {s} {w}')"
)


def _checkout_files() -> list[str]:
    """The checkout's files as git sees them (skips when this is not a git checkout, e.g. an sdist)."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                         cwd=ROOT, capture_output=True, check=True)
    names = [n for n in out.stdout.decode("utf-8").split("\0") if n]
    return sorted(n for n in names if (ROOT / n).is_file())


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[str], set[str], set[str]]:
    """(checkout files, names in the wheel, names in the sdist without its top folder)."""
    files = _checkout_files()
    base = tmp_path_factory.mktemp("packaging")
    src, tools, dist = base / "src", base / "tools", base / "dist"
    for name in files:
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, src / name)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["build-system"]["requires"]
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--target", str(tools), *requires],
                   check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(tools)}
    out = subprocess.run([sys.executable, "-c", _BUILD, str(dist)], cwd=src, env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    sdist_name, wheel_name = out.stdout.rsplit("built: ", 1)[1].split()
    with zipfile.ZipFile(dist / wheel_name) as wheel:
        in_wheel = set(wheel.namelist())
    with tarfile.open(dist / sdist_name) as sdist:
        in_sdist = {m.name.split("/", 1)[1] for m in sdist.getmembers() if m.isfile() and "/" in m.name}
    return files, in_wheel, in_sdist


def test_the_wheel_holds_exactly_the_package_files(built: tuple[list[str], set[str], set[str]]) -> None:
    files, in_wheel, _ = built
    package = {n for n in files if n.startswith("servio/")}
    shipped = {n for n in in_wheel if n.startswith("servio/")}
    assert sorted(package - shipped) == [], "package files left out of the wheel"
    assert sorted(shipped - package) == [], "files in the wheel that the checkout does not have"


def test_the_wheel_says_it_is_typed(built: tuple[list[str], set[str], set[str]]) -> None:
    """PEP 561: without servio/py.typed, mypy ignores servio's annotations in a user's code."""
    assert "servio/py.typed" in built[1]


def test_the_sdist_holds_the_whole_checkout(built: tuple[list[str], set[str], set[str]]) -> None:
    """An sdist rebuilds the wheel and runs the tests: docs, tests with their fixtures, training data."""
    files, _, in_sdist = built
    assert sorted({n for n in files if not n.startswith(".git")} - in_sdist) == []
