"""What ``make po`` does to the catalogs after Babel has merged the new templates into them.

    python -m familyprivacy.i18n.po_update [TRANSLATIONS_DIR]

1. Each catalog moves to the project's plural rule (``migrate_plurals``).
2. An entry whose English changed (Babel marks it fuzzy) loses its ``# reviewed`` mark: the
   translator reviewed other English, so once the entry is translated again it counts as a
   draft until a translator reviews it again. Meanwhile the app shows the English (stale).
"""

from __future__ import annotations

import sys
from pathlib import Path

from familyprivacy.i18n.compile import REVIEWED_MARK
from familyprivacy.i18n.migrate_plurals import migrate_catalog, read_catalog, write_catalog
from familyprivacy.i18n.plural_forms import project_rule


def unreview_fuzzy(po_path: Path) -> int:
    """Drop the review mark from every fuzzy entry of ``po_path``; how many lost it."""
    catalog = read_catalog(po_path)
    dropped = 0
    for message in catalog:
        if not message.id or not message.fuzzy:
            continue
        kept = [c for c in message.user_comments if not c.strip().lower().startswith(REVIEWED_MARK)]
        if len(kept) != len(message.user_comments):
            message.user_comments = kept
            dropped += 1
    if dropped:
        write_catalog(po_path, catalog)
    return dropped


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path("translations")
    for po_path in sorted(root.glob("*/LC_MESSAGES/*.po")):
        lang = po_path.parent.parent.name
        marked = migrate_catalog(po_path, lang)
        if marked is not None:
            rule = project_rule(lang)
            assert rule is not None
            print(f"{po_path}: Plural-Forms is now '{rule.header}'; {marked} entries marked fuzzy "
                  "(fill their forms, then remove the mark)")
        dropped = unreview_fuzzy(po_path)
        if dropped:
            print(f"{po_path}: {dropped} reviewed entries whose English changed are drafts again "
                  "(translate them, then have them reviewed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
