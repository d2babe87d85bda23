# Copyright 2026 perf_closed_loop authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Static checks every add-on of the repository passes, written once: the
core's tests (test_static_addon.py) and the bridges' (test_static_addons.py)
call them with their add-on's folder."""

import re

import polib
from lxml import etree

DATA_DIRS = ("data", "demo", "security", "views", "wizard", "report")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|\{\w*\}")


def check_listed_files(root, manifest):
    """Every file the manifest lists exists, once; every data file of the
    add-on is listed."""
    listed = list(manifest.get("data", [])) + list(manifest.get("demo", []))
    assert len(listed) == len(set(listed)), f"{root.name}: a file is listed twice"
    for rel in listed:
        assert (root / rel).is_file(), f"{root.name}: manifest lists missing {rel}"
    on_disk = {
        str(p.relative_to(root))
        for folder in DATA_DIRS
        for p in (root / folder).glob("*")
        if p.suffix in (".xml", ".csv")
    }
    assert on_disk - set(listed) == set(), f"{root.name}: not in the manifest"


def xml_files(root):
    return sorted(p for p in root.rglob("*.xml") if "static" not in p.parts)


def check_xml_idioms(path, addon):
    """An XML data file of ``addon`` parses and uses Odoo 18's idioms."""
    text = path.read_text(encoding="utf-8")
    assert text.startswith('<?xml version="1.0" encoding="UTF-8" ?>')
    root = etree.fromstring(text.encode())
    assert root.tag == "odoo"
    assert not root.xpath("//tree"), "use <list>, not <tree> (Odoo 18)"
    assert not root.xpath("//*[@attrs or @states]"), "no attrs/states since 17"
    assert not root.xpath("//templates/t[@t-name='kanban-box']"), "t-name=card"
    assert not root.xpath("//field[@name='numbercall' or @name='doall']")
    assert not root.xpath(
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' oe_chatter ')]"
    ), "use <chatter/>"
    for record in root.xpath("//record[@id]|//menuitem[@id]|//template[@id]"):
        assert not record.get("id").startswith(addon + "_"), (
            f"{record.get('id')}: xml ids are not prefixed with the module name"
        )


def check_zh_cn_complete(root):
    """Every term of the add-on's .pot has a zh_CN translation keeping its
    placeholders."""
    pot = polib.pofile(str(root / "i18n" / f"{root.name}.pot"))
    po = polib.pofile(str(root / "i18n" / "zh_CN.po"))
    assert len(pot), f"{root.name}.pot is empty"
    translated = {(e.msgctxt, e.msgid): e.msgstr for e in po}
    missing = [e.msgid for e in pot if not translated.get((e.msgctxt, e.msgid))]
    assert not missing, (
        f"{root.name}: {len(missing)} terms lack a zh_CN translation: {missing[:10]}"
    )
    for entry in po:
        if entry.msgstr:
            assert sorted(PLACEHOLDER.findall(entry.msgid)) == sorted(
                PLACEHOLDER.findall(entry.msgstr)
            ), f"placeholders differ: {entry.msgid!r} -> {entry.msgstr!r}"
