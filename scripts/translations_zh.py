"""Fill the zh_Hans catalogue from the table below and compile it.

    .venv/bin/entrepot manage makemessages -l zh_Hans --no-location --no-obsolete  (in entrepot/)
    .venv/bin/python scripts/translations_zh.py

The table (translations_zh.json beside this script) is the reviewed Chinese wording; a msgid missing from it fails loudly so
that no English string reaches a buyer untranslated. Compiling uses Babel, so
gettext's msgfmt is not needed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "entrepot/locale/zh_Hans/LC_MESSAGES/django.po"

ZH: dict[str, str] = json.loads((Path(__file__).with_suffix(".json")).read_text(encoding="utf-8"))


def main() -> int:
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_Hans")
    catalog.fuzzy = False
    catalog.project, catalog.version = "Entrepôt", "0.1"
    catalog.language_team = "Entrepôt translators"
    missing = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key not in ZH:
            missing.append(key)
            continue
        message.string = (ZH[key],) if isinstance(message.id, tuple) else ZH[key]
        message.flags.discard("fuzzy")
    if missing:
        print("no Chinese for:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=100, omit_header=False, no_location=True)
    with PO.with_suffix(".mo").open("wb") as handle:
        write_mo(handle, catalog)
    print(f"{PO.name}: {sum(1 for m in catalog if m.id)} messages translated and compiled")
    return 0


if __name__ == "__main__":
    sys.exit(main())
