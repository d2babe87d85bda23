# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Every add-on of the repository (a folder of the root holding a
``__manifest__.py``) builds a wheel ``odoo-addon-<name>`` with the OCA's
build backend, offline from its sources, whose metadata names its Odoo
series and its dependencies: the manifest's Python
``external_dependencies`` and the repository's add-ons it depends on."""

import ast
import email
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from manifestoo_core.core_addons import get_core_addons
from manifestoo_core.odoo_series import OdooSeries
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

try:
    import tomllib
except ImportError:  # Python 3.10
    from pip._vendor import tomli as tomllib

REPO = Path(__file__).resolve().parent.parent
ADDONS = sorted(p.parent.name for p in REPO.glob("*/__manifest__.py"))


def manifest(addon):
    return ast.literal_eval((REPO / addon / "__manifest__.py").read_text("utf-8"))


def series(addon):
    return ".".join(manifest(addon)["version"].split(".")[:2])


@pytest.fixture(scope="module")
def wheels(tmp_path_factory):
    """{add-on: (METADATA message, names in the wheel)}, built by one
    ``pip wheel`` without the network nor build isolation (whool comes
    from requirements.txt)."""
    out = tmp_path_factory.mktemp("wheels")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index"]
        + ["--no-build-isolation", "--disable-pip-version-check", "-w", str(out)]
        + [str(REPO / addon) for addon in ADDONS],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    built = {}
    for path in out.glob("*.whl"):
        with zipfile.ZipFile(path) as wheel:
            names = wheel.namelist()
            meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
            message = email.message_from_bytes(wheel.read(meta))
        addon = message["Name"].removeprefix("odoo-addon-")
        built[canonicalize_name(addon)] = (message, names)
    return {addon: built.get(canonicalize_name(addon)) for addon in ADDONS}


def test_the_repository_has_addons():
    assert "perf_closed_loop" in ADDONS


@pytest.mark.parametrize("addon", ADDONS)
def test_pyproject_uses_whool(addon):
    path = REPO / addon / "pyproject.toml"
    assert path.is_file(), f"{addon}: no pyproject.toml (run 'whool init' at the root)"
    build = tomllib.loads(path.read_text("utf-8"))["build-system"]
    assert build["build-backend"] == "whool.buildapi"
    assert build["requires"] == ["whool"]


@pytest.mark.parametrize("addon", ADDONS)
def test_wheel_name_and_version(addon, wheels):
    assert wheels[addon], f"pip wheel built nothing for {addon}"
    message, _names = wheels[addon]
    assert canonicalize_name(message["Name"]) == canonicalize_name(
        f"odoo-addon-{addon}"
    )
    version = manifest(addon)["version"]
    # whool adds a post-release number (commits since the version changed).
    assert re.fullmatch(rf"{re.escape(version)}(\.\d+)?", message["Version"])


@pytest.mark.parametrize("addon", ADDONS)
def test_wheel_requires_its_odoo_series(addon, wheels):
    message, _names = wheels[addon]
    odoo = [Requirement(r) for r in message.get_all("Requires-Dist")]
    odoo = [r for r in odoo if r.name == "odoo"]
    assert len(odoo) == 1, message.get_all("Requires-Dist")
    spec = odoo[0].specifier
    major = series(addon)
    assert spec.contains(major) and spec.contains(f"{major}.20250101")
    following = f"{major.split('.')[0]}.1"
    previous = f"{int(major.split('.')[0]) - 1}.0"
    for other in (following, previous, f"{int(major.split('.')[0]) + 1}.0"):
        assert not spec.contains(other, prereleases=True), (spec, other)


@pytest.mark.parametrize("addon", ADDONS)
def test_wheel_requires_its_dependencies(addon, wheels):
    message, _names = wheels[addon]
    required = {
        canonicalize_name(Requirement(r).name) for r in message.get_all("Requires-Dist")
    }
    data = manifest(addon)
    python = data.get("external_dependencies", {}).get("python", [])
    for name in python:
        assert canonicalize_name(name) in required, name
    core = get_core_addons(OdooSeries(series(addon)))
    for depend in data.get("depends", []):
        name = canonicalize_name(f"odoo-addon-{depend}")
        if depend in core:
            assert name not in required, f"{depend} is part of Odoo"
        else:
            assert name in required, f"{addon} depends on {depend}"


def test_xlsx_export_dependency_is_declared():
    """The export writes with xlsxwriter: the manifest says so, and so the
    wheel requires it."""
    source = (REPO / "perf_closed_loop/report/results_xlsx.py").read_text("utf-8")
    assert "import xlsxwriter" in source
    assert (
        "xlsxwriter" in manifest("perf_closed_loop")["external_dependencies"]["python"]
    )


@pytest.mark.parametrize("addon", ADDONS)
def test_wheel_holds_the_addon(addon, wheels):
    message, names = wheels[addon]
    prefix = f"odoo/addons/{addon}/"
    for name in ("__init__.py", "__manifest__.py"):
        assert prefix + name in names
    if (REPO / addon / "static/description/index.html").is_file():
        assert prefix + "static/description/index.html" in names
    if (REPO / addon / "README.rst").is_file():
        # The README is the package's long description.
        assert message["Description-Content-Type"] == "text/x-rst"
        assert manifest(addon)["name"] in message.get_payload()
