"""Page furniture: lines of a council's page that are not the notice (menus, cookie banners,
breadcrumbs, feedback and share buttons, footers, review dates, page numbers).

:func:`reason` names the kind of furniture a whole line is, or None. It reads the line, not the page,
so it proposes: the officer confirms each line under ``[ignored]``.
"""

from __future__ import annotations

import re

from familyprivacy.content.verbatim import normalise_line

SKIP_LINK = "a link to skip the page's menu"
MENU = "the site's menu, search and navigation"
BREADCRUMBS = "breadcrumbs (where the page is on the site)"
COOKIES = "the cookie banner"
FEEDBACK = "the page's feedback form"
SHARE = "share and print buttons"
REVIEW_DATE = "the page's review date (kept as last_reviewed)"
FOOTER = "the site's footer"
PAGE_NUMBER = "a page number"
RUNNING = "a running header or footer, on most pages"

PAGE_NUMBER_LINE = re.compile(r"^(?:page\s*)?[-–—(]?\s*\d{1,4}\s*[-–—)]?(?:\s*(?:of|/)\s*\d{1,4})?$",
                              re.IGNORECASE)
_SOCIAL = r"(?:facebook|twitter|x|linkedin|email|e-mail|whatsapp|instagram|youtube|print)(?: icon)?"
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (why, re.compile(pattern, re.IGNORECASE)) for why, pattern in (
    (SKIP_LINK, r"^(?:skip|jump) to (?:the )?(?:main )?(?:content|navigation|main)$"),
    (MENU, r"^(?:(?:toggle|open|close|show|hide|main|site) )?(?:menu|navigation)(?: menu)?$"),
    (MENU, r"^(?:search(?: this site| the site)?|back to top|top of page|go to top|sign in|log in|"
           r"my account|listen(?: to this page)?|translate(?: this page)?|a-z of services|on this page|"
           r"in this section|related (?:pages|content|links|information))$"),
    (BREADCRUMBS, r"^home\s*(?:[>›»/|]|\s-\s)"),
    (BREADCRUMBS, r"^you are here:"),
    (COOKIES, r"^(?:accept|reject|allow|deny)(?: all| additional| optional| analytics)?(?: cookies)?$"),
    (COOKIES, r"^(?:cookie settings|manage cookies|view cookies|change (?:your )?cookie settings|"
              r"hide (?:this )?message|cookies on .{1,80})$"),
    (COOKIES, r"\b(?:we use|this (?:web)?site uses|uses) (?:some )?"
              r"(?:essential |necessary |analytics )?cookies\b"),
    (FEEDBACK, r"^(?:was|is) this (?:page|information) (?:useful|helpful)\??(?: yes(?: no)?)?$"),
    (FEEDBACK, r"^(?:yes|no)$"),
    (FEEDBACK, r"^(?:thank you|thanks) for your feedback\.?$"),
    (FEEDBACK, r"^(?:report a problem with this page|is there anything wrong with this page\??|"
               r"tell us what you think of this page\.?|rate this page|give feedback(?: on this page)?)$"),
    (SHARE, rf"^(?:share(?: this page| this)?|print(?: this page)?|{_SOCIAL}(?:\s+{_SOCIAL})*)$"),
    (REVIEW_DATE, r"^(?:page )?last (?:reviewed|updated|modified|edited)(?: on)?:?\s+\S.{0,40}$"),
    (FOOTER, r"^(?:©|\(c\)|copyright\b).{0,120}$"),
    (PAGE_NUMBER, PAGE_NUMBER_LINE.pattern),
))
_LONGEST = 60  # words: a longer line is notice text, whatever it mentions

REVIEWED = re.compile(r"^(?:page )?last (?:reviewed|updated|modified|edited)(?: on)?:?\s+(\S.{0,40})$",
                      re.IGNORECASE)


def reason(line: str) -> str | None:
    """The kind of page furniture ``line`` is, or None for notice text."""
    text = normalise_line(line)
    if not text or len(text.split()) > _LONGEST:
        return None
    for why, pattern in _RULES:
        if pattern.search(text):  # all but one are anchored at the start
            return why
    return None


def last_reviewed(line: str) -> str:
    """The date in a "Page last reviewed: 25 May 2022" line, as written there; "" if none."""
    m = REVIEWED.match(normalise_line(line))
    return m.group(1).strip().rstrip(".") if m else ""
