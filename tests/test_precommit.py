# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The pre-commit configuration and tier 1 say the same: every check tier 1
runs has its hook, each Python hook is pinned to the version
requirements.txt installs, and tier 1 checks what the OCA's text hooks
(pre-commit-hooks) check, on the files pre-commit would give them."""

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml
from identify.identify import tags_from_path
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent
CONFIG = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text("utf-8"))
HOOKS = {hook["id"]: hook for repo in CONFIG["repos"] for hook in repo["hooks"]}
# What tier 1 runs (tests/test_lint.py, test_readme.py, test_packaging.py).
TIER1_HOOKS = {
    "ruff": "ruff check",
    "ruff-format": "ruff format",
    "pylint_odoo": "pylint",
    "oca-checks-odoo-module": "oca-checks-odoo-module",
    "oca-checks-po": "oca-checks-po",
    "oca-gen-addon-readme": "python tools/gen_readme.py",
    "whool-init": "whool init",
}


def pins(lines):
    found = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            found[canonicalize_name(req.name)] = str(req.specifier)
    return found


REQUIREMENTS = pins((REPO / "requirements.txt").read_text("utf-8").splitlines())


@pytest.mark.parametrize("hook_id", sorted(TIER1_HOOKS))
def test_tier1_checks_have_their_hook(hook_id):
    assert hook_id in HOOKS, f"no pre-commit hook {hook_id}"
    assert HOOKS[hook_id]["entry"].startswith(TIER1_HOOKS[hook_id])


@pytest.mark.parametrize(
    "hook_id", sorted(h for h, hook in HOOKS.items() if hook["language"] == "python")
)
def test_python_hooks_use_the_versions_of_requirements(hook_id):
    deps = pins(HOOKS[hook_id].get("additional_dependencies", []))
    assert deps, f"{hook_id}: pin its tool in additional_dependencies"
    for name, spec in deps.items():
        assert spec.startswith("=="), f"{hook_id}: pin {name} exactly"
        if name in REQUIREMENTS:
            assert spec == REQUIREMENTS[name], (
                f"{hook_id}: {name}{spec}, requirements.txt has "
                f"{name}{REQUIREMENTS[name]}: keep them equal"
            )


def test_pylint_hook_uses_the_mandatory_checks_of_tier1():
    assert "--rcfile=.pylintrc-mandatory" in HOOKS["pylint_odoo"]["args"]


# ------------------------------------------------ the text hooks, in tier 1
def files_for(hook_id):
    """The tracked files pre-commit gives ``hook_id`` with --all-files."""
    hook = HOOKS[hook_id]
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True
    )
    if listed.returncode:
        pytest.skip("not a git checkout")
    exclude = re.compile(CONFIG.get("exclude", "^$"))
    own_exclude = re.compile(hook.get("exclude", "^$"))
    types = set(hook.get("types", ["file"]))
    for name in filter(None, listed.stdout.split("\0")):
        path = REPO / name
        if exclude.search(name) or own_exclude.search(name) or not path.exists():
            continue
        if types <= tags_from_path(str(path)):
            yield name, path


def test_no_trailing_whitespace():
    bad = [
        f"{name}:{number}"
        for name, path in files_for("trailing-whitespace")
        for number, line in enumerate(path.read_bytes().split(b"\n"), 1)
        if line.rstrip(b"\r") != line.rstrip(b"\r").rstrip()
    ]
    assert not bad, f"trailing whitespace: {bad[:20]}"


def test_files_end_with_one_newline():
    bad = []
    for name, path in files_for("end-of-file-fixer"):
        data = path.read_bytes()
        if data and (not data.endswith(b"\n") or data.endswith(b"\n\n")):
            bad.append(name)
    assert not bad, f"end of file (one newline): {bad}"


def test_no_crlf_line_endings():
    bad = [n for n, p in files_for("mixed-line-ending") if b"\r\n" in p.read_bytes()]
    assert not bad, f"CRLF line endings: {bad}"


def test_no_merge_conflict_markers():
    marker = re.compile(rb"^(<<<<<<< |=======\s*$|>>>>>>> )", re.MULTILINE)
    bad = [
        n for n, p in files_for("check-merge-conflict") if marker.search(p.read_bytes())
    ]
    assert not bad, f"merge conflict markers: {bad}"


def test_executables_have_shebangs():
    bad = [
        name
        for name, path in files_for("check-executables-have-shebangs")
        if os.access(path, os.X_OK) and not path.read_bytes().startswith(b"#!")
    ]
    assert not bad, f"executable without a shebang: {bad}"
