import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

import entrepot

PO = Path(entrepot.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"


def _catalog():
    with PO.open("rb") as handle:
        return read_po(handle, locale="zh_Hans")


def test_every_interface_string_has_a_chinese_translation():
    untranslated = [
        m.id
        for m in _catalog()
        if m.id and not (m.string[0] if isinstance(m.id, tuple) else m.string)
    ]
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    compiled = io.BytesIO()
    write_mo(compiled, _catalog())
    assert PO.with_suffix(".mo").read_bytes() == compiled.getvalue(), (
        "run: .venv/bin/python scripts/translations_zh.py"
    )
