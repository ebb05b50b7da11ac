"""The built wheel, installed (not editable) in a fresh venv, serves a run page and its
stylesheet when started from another folder with its `run-viewer` script."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import httpx

from tests.deploy.conftest import StartViewer
from tests.support.processes import ROOT

RUN = "run_7f3a2c9e41"
SOURCES = ("pyproject.toml", "viewer", "templates", "static")


def build_wheel(workdir: Path) -> Path:
    """Build from a copy of what the wheel is made of (the checkout stays untouched)."""
    source = workdir / "source"
    for name in SOURCES:
        origin = ROOT / name
        if origin.is_dir():
            shutil.copytree(origin, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            source.mkdir(parents=True, exist_ok=True)
            shutil.copy(origin, source / name)
    wheels = workdir / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", wheels, source],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("run_viewer-*.whl")
    return wheel


def install(wheel: Path, venv: Path) -> Path:
    """A fresh venv with the wheel installed. Its dependencies, pinned in pyproject.toml, are
    the ones already installed here: a .pth adds this environment's site-packages after the
    venv's own, which keeps the test offline and quick, while `viewer` comes from the wheel
    alone (the checkout's editable hook is not loaded by a plain path entry)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "--python", python]
    subprocess.run([*pip, "install", "--no-deps", "--no-index", wheel], check=True, timeout=300)
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_the_installed_wheel_serves_from_another_folder(
    tmp_path: Path, start_viewer: StartViewer
) -> None:
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"viewer/templates/run.html", "viewer/static/app.css"} <= names
    assert "viewer/static/vendor/htmx.min.js" in names
    checkout_modules = {str(path.relative_to(ROOT)) for path in (ROOT / "viewer").rglob("*.py")}
    assert checkout_modules <= names, "every module of the checkout is in the wheel"

    venv = tmp_path / "venv"
    python = install(wheel, venv)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [python, "-c", "import viewer; print(viewer.__file__)"],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert where.startswith(str(venv)), "the viewer is imported from the installed wheel"

    viewer = start_viewer({}, command=[str(venv / "bin" / "run-viewer")], cwd=elsewhere)
    page = httpx.get(f"{viewer.url}/runs/{RUN}", timeout=20)
    assert page.status_code == 200
    assert "Weekly" in page.text or RUN in page.text
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]*/bundle\.[^"]*css)"', page.text)
    assert stylesheet, "the page links its stylesheet"
    css = httpx.get(viewer.url + stylesheet.group(1), timeout=20)
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert (ROOT / "static" / "app.css").read_bytes() in css.content, "made of the packaged parts"

    # `python -m viewer` is the same entry: here it stops on a bad setting, naming it.
    refused = subprocess.run(
        [python, "-m", "viewer"],
        cwd=elsewhere,
        env={"PATH": "/usr/bin:/bin", "VIEWER_CONNECTION_LIMIT": "3"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2
    assert "VIEWER_CONNECTION_LIMIT=3 is out of range" in refused.stderr
