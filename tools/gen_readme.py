#!/usr/bin/env python3
# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Generate every add-on's ``README.rst`` and ``static/description/index.html``
from its ``readme/`` fragments, as the OCA's ``oca-gen-addon-readme`` does.

One command for every add-on of the repository (each folder of the root
holding a ``__manifest__.py`` and a ``readme/DESCRIPTION.md``)::

    python3 tools/gen_readme.py            # write README.rst and index.html
    python3 tools/gen_readme.py --check    # exit 1 when one is stale

Why not the OCA's own command: ``oca-gen-addon-readme`` belongs to the OCA's
``maintainer-tools``, which is not published on the Python package index
(the only registry this project installs from). This script produces the
same files the same way - the fragments converted from Markdown by pandoc
with the OCA's options, the same README layout (title, generated-file
banner with the source digest, badges, description, alpha notice, table of
contents, Configuration / Usage / Known issues / Changelog, Bug Tracker,
Credits), checked and turned into HTML by docutils with the OCA's settings
(the docutils version is removed from the HTML). ``tests/test_readme.py``
fails when a committed file differs from what this script writes.

One deliberate difference: the OCA rewrites the images of the fragments
(``../static/description/...``) into links to the repository on GitHub.
Here README.rst links them relative to the add-on and index.html relative
to its own folder, which Odoo serves as ``/<addon>/static/description/``:
the app page shows its screenshots on a server without internet access.

Output is deterministic: pandoc comes from the pinned ``pypandoc-binary``
wheel, docutils and Pygments are pinned in ``requirements.txt``, and
nothing depends on the date or on git. The source digest (a hash of the
manifest and the fragments, as the OCA computes it) is left out of the
staleness check, so a version bump alone does not make the README stale.
"""

import argparse
import ast
import hashlib
import os
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import odoo_env  # noqa: E402

REPO = odoo_env.REPO
FRAGMENTS_DIR = "readme"
# name: heading level (CONTRIBUTORS and CREDITS sit inside "Credits").
FRAGMENTS = {
    "DESCRIPTION": 2,
    "CONTEXT": 2,
    "INSTALL": 2,
    "CONFIGURE": 2,
    "USAGE": 2,
    "ROADMAP": 2,
    "DEVELOP": 2,
    "CONTRIBUTORS": 3,
    "CREDITS": 3,
    "HISTORY": 2,
}
SECTIONS = [
    ("CONTEXT", "Use Cases / Context"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("DEVELOP", "Development"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("HISTORY", "Changelog"),
]
# GitHub-flavoured Markdown without raw HTML nor automatic identifiers
# (pylint-odoo reports unreferenced hyperlink targets), as the OCA.
PANDOC_FORMAT = "gfm-raw_html-gfm_auto_identifiers"
STATUS = "https://odoo-community.org/page/development-status"
STATUS_BADGES = {
    "mature": ("maturity-Mature-brightgreen", "Mature"),
    "production/stable": ("maturity-Production%2FStable-green", "Production/Stable"),
    "beta": ("maturity-Beta-yellow", "Beta"),
    "alpha": ("maturity-Alpha-red", "Alpha"),
}
LICENSES = {"AGPL-3": "agpl-3.0", "LGPL-3": "lgpl-3.0", "GPL-3": "gpl-3.0"}
# docutils settings of the OCA (from pypa/readme_renderer): no file
# inclusion nor raw HTML, stop at the first warning, no XML declaration.
RST2HTML_SETTINGS = {
    "file_insertion_enabled": False,
    "halt_level": 2,
    "math_output": "MathJax",
    "raw_enabled": False,
    "smart_quotes": True,
    "syntax_highlight": "short",
    "xml_declaration": False,
    "output_encoding": "utf-8",
}
DIGEST = re.compile(r"!! source digest: sha256:[0-9a-f]+")
IMAGE_LINE = re.compile(r"^(?P<head>.*\.\. .*(?:figure|image)::\s+)(?P<path>\S.*?)\s*$")
BANNER = "!" * 52


class ReadmeError(RuntimeError):
    """A fragment or manifest cannot be turned into a README."""


# ------------------------------------------------------------------ add-ons
def read_manifest(addon_dir):
    return ast.literal_eval((Path(addon_dir) / "__manifest__.py").read_text("utf-8"))


def addon_dirs(root=REPO):
    """Every add-on of the repository: a folder of the root with a manifest."""
    return sorted(p.parent for p in Path(root).glob("*/__manifest__.py"))


def project(manifest):
    """(organisation, repository) from the manifest's GitHub ``website``."""
    match = re.match(
        r"https://github\.com/(?P<org>[^/]+)/(?P<repo>[^/#?]+)",
        manifest.get("website", ""),
    )
    if not match:
        raise ReadmeError(
            "the manifest's website must be the repository's GitHub address "
            "(https://github.com/<organisation>/<repository>)"
        )
    return match["org"], match["repo"]


def series(manifest):
    return ".".join(manifest["version"].split(".")[:2])


def source_digest(addon_dir):
    """sha256 of the manifest and the fragments, names and contents, in the
    order the OCA hashes them."""
    addon_dir = Path(addon_dir)
    files = [addon_dir / "__manifest__.py"]
    for dirpath, dirnames, filenames in os.walk(addon_dir / FRAGMENTS_DIR):
        dirnames.sort()
        files += [Path(dirpath) / name for name in sorted(filenames) if name[0] != "."]
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(addon_dir)).encode("utf-8"))
        digest.update(path.read_bytes())
    return f"sha256:{digest.hexdigest()}"


# ---------------------------------------------------------------- fragments
def markdown_to_rst(path, level):
    import pypandoc  # noqa: PLC0415 - only needed here; --help works without

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "fragment.rst"
        pypandoc.convert_file(
            str(path),
            format=PANDOC_FORMAT,
            to="rst",
            outputfile=str(out),
            extra_args=[f"--shift-heading-level-by={level - 2}"],
            sandbox=True,
        )
        return out.read_text(encoding="utf-8")


def fragment(addon_dir, name):
    """The fragment ``name`` in reStructuredText, images relative to the
    add-on (``../static/...`` -> ``static/...``), or None when absent."""
    folder = Path(addon_dir) / FRAGMENTS_DIR
    md, rst = folder / f"{name}.md", folder / f"{name}.rst"
    if md.is_file() and rst.is_file():
        raise ReadmeError(f"both {md.name} and {rst.name} in {folder}: keep one")
    if md.is_file():
        text = markdown_to_rst(md, FRAGMENTS[name])
    elif rst.is_file():
        text = rst.read_text(encoding="utf-8")
    else:
        return None
    if not text:
        return None
    lines = text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        match = IMAGE_LINE.match(line)
        if match and not match["path"].startswith("http"):
            path = match["path"].replace("../", "")
            lines[index] = line.replace(match["path"], path)
    text = "".join(lines)
    return text if text.endswith("\n") else text + "\n"


def fragment_formats(addon_dir):
    folder = Path(addon_dir) / FRAGMENTS_DIR
    return {p.suffix for name in FRAGMENTS for p in folder.glob(f"{name}.*")} & {
        ".md",
        ".rst",
    }


# ------------------------------------------------------------------- README
def _badges(manifest, org, repo, branch, addon):
    badges = []
    status = manifest.get("development_status", "Beta").lower()
    if status in STATUS_BADGES:
        image, alt = STATUS_BADGES[status]
        badges.append((f"https://img.shields.io/badge/{image}.png", STATUS, alt))
    licence = manifest.get("license")
    if licence in LICENSES:
        badges.append(
            (
                f"https://img.shields.io/badge/license-{licence.replace('-', '--')}"
                "-blue.png",
                f"http://www.gnu.org/licenses/{LICENSES[licence]}-standalone.html",
                f"License: {licence}",
            )
        )
    badges.append(
        (
            "https://img.shields.io/badge/github-"
            f"{org.replace('-', '--')}%2F{repo.replace('-', '--')}"
            "-lightgray.png?logo=github",
            f"https://github.com/{org}/{repo}/tree/{branch}/{addon}",
            f"{org}/{repo}",
        )
    )
    return badges


def _section(fragments, name, title, underline="="):
    if name not in fragments:
        return ""
    return f"{title}\n{underline * len(title)}\n\n{fragments[name]}\n"


def render_readme(addon_dir):
    """The text of the add-on's README.rst."""
    addon_dir = Path(addon_dir)
    manifest = read_manifest(addon_dir)
    addon = addon_dir.name
    org, repo = project(manifest)
    branch = series(manifest)
    if len(fragment_formats(addon_dir)) > 1:
        raise ReadmeError(f"{addon}/readme mixes .md and .rst fragments: keep one")
    fragments = {}
    for name in FRAGMENTS:
        text = fragment(addon_dir, name)
        if text:
            fragments[name] = text
    level3 = "~" if fragment_formats(addon_dir) == {".rst"} else "-"
    status = manifest.get("development_status", "Beta").lower()
    title = manifest["name"]
    badges = _badges(manifest, org, repo, branch, addon)
    out = [
        f"{'=' * len(title)}\n{title}\n{'=' * len(title)}\n\n",
        ".. \n",
        f"   {BANNER}\n",
        "   !! This file is generated by oca-gen-addon-readme !!\n",
        "   !! changes will be overwritten.                   !!\n",
        f"   {BANNER}\n",
        f"   !! source digest: {source_digest(addon_dir)}\n",
        f"   {BANNER}\n\n",
    ]
    for number, (image, target, alt) in enumerate(badges, 1):
        out.append(
            f".. |badge{number}| image:: {image}\n"
            f"    :target: {target or '#'}\n    :alt: {alt}\n"
        )
    out.append("\n" + " ".join(f"|badge{n}|" for n in range(1, len(badges) + 1)))
    out.append(f"\n\n{fragments.get('DESCRIPTION', '')}\n")
    if status == "alpha":
        out.append(
            ".. IMPORTANT::\n"
            "   This is an alpha version, the data model and design can change at "
            "any time without warning.\n"
            "   Only for development or testing purpose, do not use in production.\n"
            f"   `More details on development status <{STATUS}>`_\n\n"
        )
    out.append("**Table of contents**\n\n.. contents::\n   :local:\n\n")
    out += [_section(fragments, name, title) for name, title in SECTIONS]
    issues = f"https://github.com/{org}/{repo}/issues"
    out.append(
        "Bug Tracker\n===========\n\n"
        f"Bugs are tracked on `GitHub Issues <{issues}>`_.\n"
        "In case of trouble, please check there if your issue has already been "
        "reported.\n"
        "If you spotted it first, help us to smash it by providing a detailed and "
        "welcomed\n"
        f"`feedback <{issues}/new?body=module:%20{addon}%0Aversion:%20{branch}"
        "%0A%0A**Steps%20to%20reproduce**%0A-%20...%0A%0A**Current%20behavior**"
        "%0A%0A**Expected%20behavior**>`_.\n\n"
        "Do not contact contributors directly about support or help with "
        "technical issues.\n\n"
        "Credits\n=======\n\n"
    )
    authors = [
        a.strip() for a in manifest.get("author", "").split(",") if "(OCA)" not in a
    ]
    if authors:
        out.append(f"Authors\n{level3 * 7}\n\n")
        out += [f"* {author}\n" for author in authors]
        out.append("\n")
    out.append(_section(fragments, "CONTRIBUTORS", "Contributors", level3))
    out.append(_section(fragments, "CREDITS", "Other credits", level3))
    out.append(f"Maintainers\n{level3 * 11}")
    maintainers = manifest.get("maintainers") or []
    if maintainers:
        out.append("\n")
        for login in maintainers:
            out.append(
                f"\n.. |maintainer-{login}| image:: https://github.com/{login}.png"
                f"?size=40px\n    :target: https://github.com/{login}\n"
                f"    :alt: {login}"
            )
        plural = "s" if len(maintainers) > 1 else ""
        out.append(f"\n\nCurrent maintainer{plural}:\n\n")
        out.append("".join(f"|maintainer-{login}| " for login in maintainers))
    out.append(
        f"\n\nThis module is part of the `{org}/{repo} <https://github.com/{org}/"
        f"{repo}/tree/{branch}/{addon}>`_ project on GitHub.\n\n"
        "You are welcome to contribute.\n"
    )
    return "".join(out)


def render_index(readme_text, source_path):
    """index.html from README.rst's text: images relative to
    static/description/ (where index.html is)."""
    from docutils.core import publish_string  # noqa: PLC0415

    lines = readme_text.splitlines(keepends=True)
    for index, line in enumerate(lines):
        match = IMAGE_LINE.match(line)
        if match and match["path"].startswith("static/description/"):
            lines[index] = line.replace(
                match["path"], match["path"][len("static/description/") :]
            )
    html = publish_string(
        "".join(lines),
        source_path=str(source_path),
        writer_name="html4css1",
        settings_overrides=RST2HTML_SETTINGS,
    )
    # The docutils version would change the file on every upgrade.
    return re.sub(rb"(<meta.*generator.*Docutils)\s*[\d.]+", rb"\1", html).decode(
        "utf-8"
    )


def generated(addon_dir):
    """{path: text} of the files generated for the add-on; empty without
    readme/DESCRIPTION."""
    addon_dir = Path(addon_dir)
    if not any((addon_dir / FRAGMENTS_DIR).glob("DESCRIPTION.*")):
        return {}
    readme_path = addon_dir / "README.rst"
    readme = render_readme(addon_dir)
    # Checked by docutils as the OCA does: a warning stops the generation.
    index = render_index(readme, readme_path)
    files = {readme_path: readme}
    if read_manifest(addon_dir).get("preloadable", True):
        files[addon_dir / "static" / "description" / "index.html"] = index
    return files


def normalised(text):
    """The text without its source digest (left out of the staleness check)."""
    return DIGEST.sub("!! source digest: -", text)


def stale_files(root=REPO):
    """Paths whose committed content differs from what would be generated."""
    stale = []
    for addon_dir in addon_dirs(root):
        for path, text in generated(addon_dir).items():
            current = path.read_text(encoding="utf-8") if path.is_file() else None
            if current is None or normalised(current) != normalised(text):
                stale.append(path)
    return stale


def write_all(root=REPO, say=print):
    changed = []
    for addon_dir in addon_dirs(root):
        for path, text in generated(addon_dir).items():
            current = path.read_text(encoding="utf-8") if path.is_file() else None
            if current != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                changed.append(path)
                say(f"wrote {path.relative_to(root)}")
    return changed


def _enter_venv():
    """Run in .venv unless this Python has pandoc and docutils already (a
    pre-commit hook's own environment, PERF_NO_VENV=1)."""
    try:
        import docutils  # noqa: F401, PLC0415
        import pypandoc  # noqa: F401, PLC0415
    except ImportError:
        import setup_env  # noqa: PLC0415

        try:
            odoo = odoo_env.find_odoo()
        except odoo_env.SetupError:
            odoo = None
        setup_env.enter(__file__, sys.argv[1:], odoo)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 when a README.rst or index.html is stale",
    )
    args = parser.parse_args()
    try:
        _enter_venv()
        if args.check:
            stale = stale_files()
            for path in stale:
                print(f"stale: {path.relative_to(REPO)}")
            if stale:
                sys.exit("run 'python3 tools/gen_readme.py' and commit the result")
            print("README.rst and index.html are current")
            return
        changed = write_all()
        print(f"{len(changed)} file(s) written" if changed else "nothing to change")
    except (ReadmeError, odoo_env.SetupError) as exc:
        sys.exit(f"ERROR: {exc}")


if __name__ == "__main__":
    main()
