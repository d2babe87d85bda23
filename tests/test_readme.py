# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""The generated documentation of every add-on: README.rst and
static/description/index.html are what ``tools/gen_readme.py`` writes from
readme/ (run it after editing a fragment), every picture they show exists
and every screenshot is shown, and readme/HISTORY.md follows the
manifest's version and migration scripts."""

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
import gen_readme  # noqa: E402

ADDONS = [p.name for p in gen_readme.addon_dirs(REPO)]
WITH_README = [a for a in ADDONS if (REPO / a / "readme/DESCRIPTION.md").is_file()]
IMAGE = re.compile(r"!\[[^\]]*\]\((?P<path>[^)\s]+)\)")
HEADING = re.compile(r"^## (?P<version>\d+\.\d+\.\d+\.\d+\.\d+)(?P<rest>.*)$", re.M)


def version_key(version):
    return tuple(int(part) for part in version.split("."))


def manifest_version(addon):
    return gen_readme.read_manifest(REPO / addon)["version"]


@pytest.mark.parametrize("addon", ADDONS)
def test_addon_has_readme_fragments(addon):
    for name in ("DESCRIPTION", "USAGE", "CONTRIBUTORS", "HISTORY"):
        assert (REPO / addon / "readme" / f"{name}.md").is_file(), name


@pytest.mark.parametrize("addon", WITH_README)
def test_generated_files_are_current(addon):
    """Fails when readme/ or the manifest changed without regenerating."""
    for path, text in gen_readme.generated(REPO / addon).items():
        where = path.relative_to(REPO)
        assert path.is_file(), f"{where} missing: run python3 tools/gen_readme.py"
        current = path.read_text(encoding="utf-8")
        assert gen_readme.normalised(current) == gen_readme.normalised(text), (
            f"{where} is stale: run python3 tools/gen_readme.py and commit it"
        )


def test_staleness_ignores_only_the_source_digest():
    text = gen_readme.render_readme(REPO / "perf_closed_loop")
    digest = gen_readme.source_digest(REPO / "perf_closed_loop")
    other = text.replace(digest, "sha256:" + "0" * 64)
    assert other != text
    assert gen_readme.normalised(other) == gen_readme.normalised(text)
    edited = text.replace("Performance Closed Loop", "Performance Open Loop", 2)
    assert gen_readme.normalised(edited) != gen_readme.normalised(text)


def test_readme_images_are_local_and_shown_in_the_app_page(tmp_path):
    """A fragment's ../static/description/x.png is static/description/x.png
    in README.rst and x.png in index.html (Odoo serves it next to it)."""
    addon = tmp_path / "demo_addon"
    (addon / "readme").mkdir(parents=True)
    (addon / "__manifest__.py").write_text(
        repr(
            {
                "name": "Demo",
                "version": "18.0.1.0.0",
                "license": "LGPL-3",
                "website": "https://github.com/acme/demo",
                "author": "Acme",
            }
        ),
        encoding="utf-8",
    )
    (addon / "readme/DESCRIPTION.md").write_text(
        "Text.\n\n![A screen](../static/description/screenshots/a.png)\n",
        encoding="utf-8",
    )
    files = gen_readme.generated(addon)
    readme = files[addon / "README.rst"]
    index = files[addon / "static/description/index.html"]
    assert "image:: static/description/screenshots/a.png" in readme
    assert 'src="screenshots/a.png"' in index
    assert "Docutils 0" not in index and "<?xml" not in index


@pytest.mark.parametrize("addon", WITH_README)
def test_every_picture_exists_and_every_screenshot_is_shown(addon):
    shown = set()
    for fragment in (REPO / addon / "readme").glob("*.md"):
        for match in IMAGE.finditer(fragment.read_text(encoding="utf-8")):
            path = (fragment.parent / match["path"]).resolve()
            assert path.is_file(), f"{fragment.name}: {match['path']} is missing"
            assert path.is_relative_to(REPO / addon / "static/description"), (
                f"{fragment.name}: {match['path']} is outside static/description"
            )
            shown.add(path)
    shots = REPO / addon / "static/description/screenshots"
    for png in shots.glob("*.png") if shots.is_dir() else ():
        assert png.resolve() in shown, f"{png.name} is shown by no fragment"
        assert png.stat().st_size < 250_000, f"{png.name} is too big: optimise it"


@pytest.mark.parametrize("addon", ADDONS)
def test_history_follows_the_version(addon):
    """readme/HISTORY.md has a heading per version, newest first; the
    manifest's version is one of them; older ones are dated, later ones
    are "(unreleased)", the manifest's is either;
    every migration script belongs to a version up to the manifest's."""
    history = (REPO / addon / "readme/HISTORY.md").read_text(encoding="utf-8")
    headings = [(m["version"], m["rest"]) for m in HEADING.finditer(history)]
    versions = [v for v, _rest in headings]
    assert versions, "HISTORY.md has no '## 18.0.x.y.z (date)' heading"
    assert versions == sorted(versions, key=version_key, reverse=True)
    assert len(set(versions)) == len(versions)
    current = manifest_version(addon)
    assert current in versions, f"no HISTORY.md heading for {current}"
    for version, rest in headings:
        dated = re.fullmatch(r" \(\d{4}-\d\d-\d\d\)", rest)
        unreleased = rest == " (unreleased)"
        if version_key(version) > version_key(current):
            assert unreleased, f"## {version}{rest}: later than {current}"
        elif version == current:
            assert dated or unreleased, f"## {version}{rest}: (date) or (unreleased)"
        else:
            assert dated, f"## {version}{rest}: released, give its date"
    for script in (REPO / addon / "migrations").glob("*/*.py"):
        version = script.parent.name
        assert version_key(version) <= version_key(current), script
        assert version in versions, f"{version} has a migration but no history"
