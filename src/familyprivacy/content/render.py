"""``familyprivacy render``: a notice as a standalone accessible HTML page, or as JSON."""

from __future__ import annotations

import json

from familyprivacy.content.localize import NoticeView
from familyprivacy.content.templating import environment
from familyprivacy.i18n import _
from familyprivacy.i18n.languages import is_rtl


def render_html(view: NoticeView) -> str:
    template = environment().get_template("notice_page.html")
    return template.render(view=view, lang=view.language, rtl=is_rtl(view.language), _=_)


def render_json(view: NoticeView) -> str:
    data = view.as_dict()
    data["fingerprint"] = view.fingerprint
    return json.dumps(data, ensure_ascii=False, indent=2)
