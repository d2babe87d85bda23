# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Static checks of the add-on that need no Odoo: manifest, data files, XML,
access rules, Odoo 18 idioms."""

import ast
import csv
import re
from pathlib import Path

import polib
import pytest
from addon_checks import (
    check_listed_files,
    check_xml_idioms,
    check_zh_cn_complete,
    xml_files,
)
from lxml import etree

ADDON = Path(__file__).resolve().parent.parent / "perf_closed_loop"

MANIFEST = ast.literal_eval((ADDON / "__manifest__.py").read_text(encoding="utf-8"))


def _xml_files():
    return xml_files(ADDON)


def _python_models():
    """(file, _name, is_transient) of every model the add-on defines."""
    found = []
    for path in sorted(ADDON.rglob("*.py")):
        if "tests" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            bases = {ast.unparse(b) for b in node.bases}
            if not bases & {"models.Model", "models.TransientModel"}:
                continue
            for stmt in node.body:
                if (
                    isinstance(stmt, ast.Assign)
                    and any(
                        isinstance(t, ast.Name) and t.id == "_name"
                        for t in stmt.targets
                    )
                    and isinstance(stmt.value, ast.Constant)
                ):
                    found.append((path, stmt.value.value))
    return found


def _acl_rows():
    with (ADDON / "security" / "ir.model.access.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ------------------------------------------------------------------ manifest
def test_manifest_keys():
    assert MANIFEST["version"] == "18.0.1.0.0" or re.fullmatch(
        r"18\.0\.\d+\.\d+\.\d+", MANIFEST["version"]
    )
    assert MANIFEST["license"] == "LGPL-3"
    assert MANIFEST["category"] == "Human Resources/Appraisals"
    # calendar: the results interview is a meeting in both calendars.
    assert MANIFEST["depends"] == ["hr", "mail", "calendar"]
    assert MANIFEST["summary"].strip()
    assert "description" not in MANIFEST, "use readme/ fragments"
    assert MANIFEST["installable"] and MANIFEST["application"]
    for key in ("author", "website", "maintainers", "development_status"):
        assert MANIFEST.get(key), key


def test_readme_fragments_and_icon():
    for name in ("DESCRIPTION.md", "USAGE.md", "CONFIGURE.md"):
        text = (ADDON / "readme" / name).read_text(encoding="utf-8")
        assert len(text.split()) > 20, f"readme/{name} is too thin"
    icon = (ADDON / "static" / "description" / "icon.png").read_bytes()
    assert icon.startswith(b"\x89PNG")


def test_manifest_files_exist_and_are_listed():
    check_listed_files(ADDON, MANIFEST)


def test_manifest_data_order():
    data = MANIFEST["data"]
    assert data[0] == "security/perf_closed_loop_groups.xml"
    assert data[1] == "security/ir.model.access.csv"
    menus = data.index("views/perf_closed_loop_menus.xml")
    assert all(not f.startswith(("security/", "data/")) for f in data[menus:])


# ----------------------------------------------------------------------- xml
@pytest.mark.parametrize("path", _xml_files(), ids=lambda p: p.name)
def test_xml_parses_and_uses_odoo18_idioms(path):
    check_xml_idioms(path, "perf_closed_loop")


def test_xml_ids_unique():
    seen = {}
    for path in _xml_files():
        root = etree.parse(str(path)).getroot()
        for node in root.xpath("//*[@id]"):
            xmlid = node.get("id")
            if "." in xmlid:
                continue
            assert xmlid not in seen, f"{xmlid} in {path.name} and {seen[xmlid]}"
            seen[xmlid] = path.name


def test_views_are_named_after_their_id():
    for path in ADDON.glob("views/*_views.xml"):
        root = etree.parse(str(path)).getroot()
        for rec in root.xpath("//record[@model='ir.ui.view']"):
            name = rec.xpath("field[@name='name']/text()")
            assert name and name[0] == rec.get("id").replace("_", "."), rec.get("id")


# ------------------------------------------------------------------ security
def test_every_model_has_access_rules():
    rows = _acl_rows()
    covered = {row["model_id:id"] for row in rows}
    for path, name in _python_models():
        external = "model_" + name.replace(".", "_")
        assert external in covered, f"{name} ({path.name}) has no ACL line"


def test_acl_ids_unique_and_named():
    rows = _acl_rows()
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids))
    for row in rows:
        assert row["id"].startswith("access_"), row["id"]
        assert row["group_id:id"], f"{row['id']} grants every user (no group)"


def test_groups_chain():
    root = etree.parse(str(ADDON / "security/perf_closed_loop_groups.xml")).getroot()
    groups = {r.get("id"): r for r in root.xpath("//record[@model='res.groups']")}
    chain = [
        "group_perf_user",
        "group_perf_manager",
        "group_perf_hr",
        "group_perf_admin",
    ]
    for before, group in zip(chain, chain[1:], strict=False):
        implied = groups[group].xpath("field[@name='implied_ids']/@eval")[0]
        assert before in implied
    for group in chain:
        category = groups[group].xpath("field[@name='category_id']/@ref")[0]
        assert category == "base.module_category_human_resources_appraisals"
    user_implied = groups["base.group_user"].xpath("field[@name='implied_ids']/@eval")
    assert "group_perf_user" in user_implied[0]


# -------------------------------------------------------------------- python
def test_one_model_per_file_named_after_it():
    """OCA: one model per file, named after it; a pure child-line model may
    share its parent's file (``perf.template`` + ``perf.template.kpi``)."""
    by_file = {}
    for path, name in _python_models():
        by_file.setdefault(path, []).append(name)
    for path, names in by_file.items():
        main = [n for n in names if n.replace(".", "_") + ".py" == path.name]
        assert main, f"{path.name} is not named after a model it defines {names}"
        for other in set(names) - set(main):
            assert other.startswith(main[0] + "."), f"{other} in {path.name}"


MODEL_FILE_MAX_LINES = 800
PHASED_MODELS = ("perf.review", "perf.cycle")


def _model_extensions():
    """(file, class node, model) of every class that reopens a model of the
    add-on without naming a new one (``_inherit = "model"``, no ``_name``)."""
    for path in sorted(ADDON.rglob("*.py")):
        if "tests" in path.relative_to(ADDON).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            assigned = {
                target.id: stmt.value
                for stmt in node.body
                if isinstance(stmt, ast.Assign)
                for target in stmt.targets
                if isinstance(target, ast.Name)
            }
            inherit = assigned.get("_inherit")
            if "_name" not in assigned and isinstance(inherit, ast.Constant):
                yield path, node, inherit.value


def test_model_files_stay_readable():
    """No model file grows past ~800 lines. The models that span the whole
    loop are reopened phase by phase, each phase in a file named after the
    model and opening with a docstring of what the phase is, who acts in it
    and which fields it owns (docs/architecture.md)."""
    for path in sorted((ADDON / "models").glob("*.py")):
        count = len(path.read_text(encoding="utf-8").splitlines())
        assert count <= MODEL_FILE_MAX_LINES, f"{path.name}: {count} lines"
    phases = {model: [] for model in PHASED_MODELS}
    for path, node, model in _model_extensions():
        if model not in phases:
            continue
        prefix = model.replace(".", "_") + "_"
        assert path.parent.name == "models" and path.name.startswith(prefix), (
            f"{path.relative_to(ADDON)} reopens {model}: a phase goes in "
            f"models/{prefix}<phase>.py"
        )
        assert ast.get_docstring(node), f"{path.name}: no docstring for the phase"
        phases[model].append(path.name)
    for model, files in phases.items():
        assert len(files) >= 5, f"{model} is not split by phase: {files}"


def test_no_domain_module_imports_odoo():
    for path in (ADDON / "domain").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] == "odoo" for n in names), path.name


# ---------------------------------------------------------------------- i18n
def test_zh_cn_translation_is_complete():
    check_zh_cn_complete(ADDON)


def _translated_literals():
    """(file, line, text) of every literal handed to ``_``, ``_lt`` or
    ``env._`` in the add-on's Python code (tests aside)."""
    for path in sorted(ADDON.rglob("*.py")):
        if "tests" in path.relative_to(ADDON).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            func = getattr(node, "func", None)
            named = (isinstance(func, ast.Name) and func.id in ("_", "_lt")) or (
                isinstance(func, ast.Attribute) and func.attr == "_"
            )
            if named and node.args and isinstance(node.args[0], ast.Constant):
                yield path.name, node.lineno, node.args[0].value


def test_every_translated_string_reaches_the_template():
    """A string the extractor misses stays English for zh_CN users: Babel
    does not extract a translated call nested in another one's arguments (a
    calibration refusal's detail lines were English in Chinese)."""
    pot = {e.msgid for e in polib.pofile(str(ADDON / "i18n" / "perf_closed_loop.pot"))}
    literals = list(_translated_literals())
    assert len(literals) > 300, len(literals)
    missing = [f"{f}:{line} {text!r}" for f, line, text in literals if text not in pot]
    assert not missing, f"not in perf_closed_loop.pot: {missing}"


# ------------------------------------------------------------ security matrix
def test_docs_show_the_security_matrix_of_the_code():
    """docs/security.md's table is the one the Odoo test runs (regenerate it
    with ``security_matrix.markdown_summary()``)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "security_matrix", ADDON / "tests" / "security_matrix.py"
    )
    matrix = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(matrix)
    readme = (ADDON.parent / "docs" / "security.md").read_text(encoding="utf-8")
    start = readme.index("<!-- security-matrix:start -->") + len(
        "<!-- security-matrix:start -->"
    )
    end = readme.index("<!-- security-matrix:end -->")
    assert readme[start:end].strip() == matrix.markdown_summary().strip()


# ------------------------------------------------------------ documentation
def _markdown_links(path):
    text = path.read_text(encoding="utf-8")
    return re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)


def test_readme_is_a_front_door():
    """The README fits on a few screens; the rest lives in docs/."""
    readme = ADDON.parent / "README.md"
    lines = readme.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, len(lines)
    for needed in ("python3 tools/start.py", "python3 tools/run_tests.py", "xie.yu"):
        assert needed in readme.read_text(encoding="utf-8"), needed


def test_documentation_links_resolve():
    """Every relative link of the README and docs/ points at a file of the
    repository."""
    root = ADDON.parent
    broken = []
    for page in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        for target in _markdown_links(page):
            if "://" in target or target.startswith("mailto:"):
                continue
            if not (page.parent / target).resolve().exists():
                broken.append(f"{page.relative_to(root)} -> {target}")
    assert not broken, broken
