"""pyproject.toml lists every package of viewer/ (the wheel would silently miss a new one),
and maps templates/ and static/ into the package."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def setuptools_table() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_python_package_is_listed() -> None:
    listed = set(setuptools_table()["packages"])
    found = {
        ".".join(path.parent.relative_to(ROOT).parts)
        for path in (ROOT / "viewer").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


def test_templates_and_static_files_go_into_the_package() -> None:
    table = setuptools_table()
    assert table["package-dir"]["viewer.templates"] == "templates"
    assert table["package-dir"]["viewer.static"] == "static"
    for folder in (ROOT / "static").rglob("*"):
        if folder.is_dir():
            package = "viewer.static." + ".".join(folder.relative_to(ROOT / "static").parts)
            assert package in table["packages"], f"{folder} would be left out of the wheel"
