"""The wheel: built without a packaging warning, with every file the package reads.

The build runs offline on a copy of the sources (``python -m build --wheel
--no-isolation``, with ``build``, ``setuptools`` and ``wheel`` from the dev
extra), so it leaves nothing behind in the checkout.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("pyproject.toml", "README.md", "nanclean", "sample_data")
#: What setuptools prints when the packaging configuration leaves a file out.
WARNINGS = (
    "BuildBackendWarning",
    "SetuptoolsDeprecationWarning",
    "is absent from the `packages` configuration",
    "Package would be ignored",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(
                path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )
        else:
            shutil.copy(path, src / name)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            "dist",
        ],
        cwd=src,
        capture_output=True,
        text=True,
        check=False,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-3000:]
    (wheel,) = (src / "dist").glob("nanclean-*.whl")
    return wheel, output


def test_the_build_emits_no_packaging_warning(built: tuple[Path, str]) -> None:
    _, output = built
    found = [w for w in WARNINGS if w in output]
    assert not found, f"the wheel build warned: {found}\n{output[-3000:]}"


def test_the_wheel_holds_the_report_assets_and_the_sample_data(
    built: tuple[Path, str],
) -> None:
    wheel, _ = built
    names = set(zipfile.ZipFile(wheel).namelist())
    for asset in ("report.html.j2", "report.css", "report.js"):
        assert f"nanclean/report/templates/{asset}" in names
    assert "nanclean/report/audit.schema.json" in names
    assert "nanclean/py.typed" in names
    for data in ("ecommerce.csv", "ecommerce.toml", "sensors.parquet", "sensors.toml"):
        assert f"nanclean/sample_data/{data}" in names
    # every module of the source tree is in the wheel, and nothing from tests/
    modules = {
        p.relative_to(ROOT).as_posix() for p in (ROOT / "nanclean").rglob("*.py")
    }
    assert modules <= names
    assert not any(n.startswith(("tests/", "bench/", "examples/")) for n in names)


def test_the_wheel_renders_a_report_from_its_own_files(
    built: tuple[Path, str], tmp_path: Path
) -> None:
    """The templates are read through importlib.resources: unpacked alone, the
    wheel's package renders the HTML report."""
    wheel, _ = built
    zipfile.ZipFile(wheel).extractall(tmp_path / "site")
    site = str(tmp_path / "site")
    code = (
        "import nanclean, polars as pl; "
        f"assert nanclean.__file__.startswith({site!r}), nanclean.__file__; "
        "r = nanclean.scan(pl.DataFrame({'x': [1.0, float('inf')]})); "
        "print(len(r.to_html()))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PYTHONPATH": site, "PATH": ""},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert int(run.stdout) > 10_000
