# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Static checks every add-on of the repository passes, the core and its
bridges (``perf_closed_loop_sale``, ``perf_closed_loop_project``): manifest,
listed files, XML idioms, access rules, zh_CN complete. The core's own
checks are in test_static_addon.py; the checks both need are written once,
in addon_checks.py."""

import ast
import csv
import re
from pathlib import Path

import pytest
from addon_checks import (
    check_listed_files,
    check_xml_idioms,
    check_zh_cn_complete,
    xml_files,
)

REPO = Path(__file__).resolve().parent.parent
ADDONS = sorted(p.parent.name for p in REPO.glob("*/__manifest__.py"))
BRIDGES = [addon for addon in ADDONS if addon != "perf_closed_loop"]


def manifest(addon):
    return ast.literal_eval((REPO / addon / "__manifest__.py").read_text("utf-8"))


def test_the_bridges_are_here():
    assert {"perf_closed_loop_sale", "perf_closed_loop_project"} <= set(BRIDGES)


@pytest.mark.parametrize("addon", ADDONS)
def test_manifest(addon):
    data = manifest(addon)
    assert re.fullmatch(r"18\.0\.\d+\.\d+\.\d+", data["version"])
    assert data["license"] == "LGPL-3"
    assert "description" not in data, "use readme/ fragments"
    for key in ("name", "summary", "author", "website", "maintainers"):
        assert data.get(key), key
    assert data.get("development_status")
    assert (REPO / addon / "pyproject.toml").is_file()
    icon = REPO / addon / "static/description/icon.png"
    assert icon.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("addon", BRIDGES)
def test_bridge_installs_itself_beside_both_sides(addon):
    data = manifest(addon)
    assert data["auto_install"] is True
    assert data["version"] == "18.0.1.0.0" or data["version"].startswith("18.0.1.")
    assert data["depends"][0] == "perf_closed_loop"
    assert len(data["depends"]) == 2, "the core and one Odoo application"


@pytest.mark.parametrize("addon", BRIDGES)
def test_listed_files_exist_and_every_data_file_is_listed(addon):
    """A bridge's (the core's: test_static_addon.py, the same check)."""
    check_listed_files(REPO / addon, manifest(addon))


@pytest.mark.parametrize(
    "path",
    [(p, addon) for addon in BRIDGES for p in xml_files(REPO / addon)],
    ids=lambda p: f"{p[1]}/{p[0].name}",
)
def test_xml_uses_odoo18_idioms(path):
    check_xml_idioms(*path)


def _models(addon):
    for path in sorted((REPO / addon).rglob("*.py")):
        if "tests" in path.relative_to(REPO / addon).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "_name" for t in node.targets
            ):
                yield node.value.value


@pytest.mark.parametrize("addon", BRIDGES)
def test_every_model_has_access_rules(addon):
    """A bridge's new models (the core's: test_static_addon.py)."""
    acl = REPO / addon / "security/ir.model.access.csv"
    rows = list(csv.DictReader(acl.open(encoding="utf-8"))) if acl.is_file() else []
    covered = {row["model_id:id"] for row in rows}
    for name in _models(addon):
        assert "model_" + name.replace(".", "_") in covered, f"{name}: no ACL"


@pytest.mark.parametrize("addon", BRIDGES)
def test_zh_cn_is_complete(addon):
    check_zh_cn_complete(REPO / addon)


@pytest.mark.parametrize("addon", BRIDGES)
def test_bridge_has_tests(addon):
    tests = REPO / addon / "tests"
    imported = (tests / "__init__.py").read_text("utf-8")
    files = sorted(p.stem for p in tests.glob("test_*.py"))
    assert files
    for name in files:
        assert f"import {name}" in imported, f"{addon}: {name} not imported"
