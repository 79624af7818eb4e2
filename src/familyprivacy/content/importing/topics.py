"""Which of the ten topics (content/topics.py) a part of a notice is about: a guess from its words.

Each topic has words and phrases that privacy notices use for it (the ICO's headings and the ways
councils put them). A part's score for a topic counts them, in its heading three times over and in
its text once (each at most three times, so one word said often does not decide it). The best
score wins; the reason names the words that counted, so the officer can judge the guess. A part
with none of the words takes the topic of the part before it (a sub-part of the same subject).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from familyprivacy.content.topics import TOPIC_IDS

HEADING_WEIGHT = 3
PER_WORD_CAP = 3

# A term ending in "*" matches any word starting with it.
VOCABULARY: dict[str, tuple[str, ...]] = {
    "who-we-are": (
        "who we are", "about us", "data controller", "controller", "registered", "this notice",
        "privacy notice", "this guide", "this document", "covered by", "introduction", "contact us",
        "how to contact", "data protection officer", "directorate", "department", "our services",
        "services provided", "we are", "council is",
    ),
    "why-we-use-it": (
        "why", "purpose*", "lawful basis", "legal basis", "legal bases", "lawful", "public task",
        "public interest", "legal obligation*", "official authority", "statutory dut*", "used for",
        "how we use", "how do we use", "use your information", "use your personal", "we use",
        "to enable", "vital interest*", "legislation", "act 19*", "act 20*", "substantial public",
        "record information", "help us to",
    ),
    "what-we-collect": (
        "what information", "what personal information", "collect*", "categor*", "we hold", "do we hold",
        "hold about", "types of information", "special category", "sensitive", "date of birth",
        "records may include", "includes:", "include:", "details", "name", "address",
    ),
    "where-we-get-it": (
        "where we get", "where do we get", "where does", "get your information", "get some of",
        "source*", "obtain*", "we receive", "provided by", "referred", "comes from", "we get",
        "other sources", "from the following",
    ),
    "who-we-share-with": (
        "share*", "sharing", "who we share", "disclos*", "partner*", "third part*", "other organisations",
        "recipient*", "police", "nhs", "schools", "data processor*", "pass on", "pass your",
        "who will use", "who else", "agencies", "other local authorities",
    ),
    "how-long-we-keep-it": (
        "how long", "retain*", "retention", "keep your", "keep it", "kept", "keep records", "years",
        "destroy*", "deleted", "retention schedule", "held for",
    ),
    "keeping-it-safe": (
        "secur*", "safe", "stored", "storage", "store", "confidential*", "breach*", "authorised",
        "transfer*", "abroad", "outside the uk", "overseas", "eea", "european economic area", "protect your",
        "access to them", "systems",
    ),
    "your-rights": (
        "your rights", "right to", "rights", "subject access", "copy of", "rectif*", "correct*", "erase*",
        "erasure", "restrict*", "object", "portability", "automated", "profiling", "see my records",
        "see your records", "access your records", "access to your information", "other rights",
    ),
    "how-to-complain": (
        "complain*", "information commissioner*", "ico", "ico.org.uk", "0303 123 1113", "unhappy",
        "wycliffe house", "remain unhappy",
    ),
    "your-choices": (
        "consent*", "choice*", "choose", "withdraw*", "optional", "voluntary", "don't provide",
        "do not provide", "don’t provide", "not provide", "opt out", "if you do not want", "refuse",
        "say no", "object to", "do not wish",
    ),
}


def _pattern(term: str) -> re.Pattern[str]:
    stem = term.endswith("*")
    body = re.escape(term.rstrip("*"))
    end = "" if stem else r"(?!\w)"
    return re.compile(r"(?<![\w@.])" + body + end, re.IGNORECASE)


_PATTERNS = {topic: tuple((term.rstrip("*"), _pattern(term)) for term in terms)
             for topic, terms in VOCABULARY.items()}
assert set(_PATTERNS) == set(TOPIC_IDS), "every topic needs words"


@dataclass(frozen=True)
class Suggestion:
    topic: str
    reason: str  # "heading says \"Your rights\"; words: access, rectify"
    score: int
    runner_up: str = ""


def _hits(text: str, topic: str) -> list[tuple[str, int]]:
    """The topic's terms in ``text``, each with how often it is there (at most PER_WORD_CAP); where
    terms overlap ("special category" and "categor*"), the longer one counts, once."""
    spans: list[tuple[int, int, str]] = []
    for term, pattern in _PATTERNS[topic]:
        spans += [(m.start(), m.end(), term) for m in pattern.finditer(text)]
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    taken: list[tuple[int, int]] = []
    counts: dict[str, int] = {}
    for start, end, term in spans:
        if any(start < b and a < end for a, b in taken):
            continue
        taken.append((start, end))
        counts[term] = counts.get(term, 0) + 1
    return [(term, min(n, PER_WORD_CAP)) for term, n in counts.items()]


def suggest(heading: str, body: str, previous: str = "") -> Suggestion:
    """The topic of a part with this heading and text; ``previous``: the topic of the part before."""
    scores: dict[str, int] = {}
    found: dict[str, tuple[list[str], list[str]]] = {}
    for topic in TOPIC_IDS:
        in_heading = _hits(heading, topic)
        in_body = _hits(body, topic)
        scores[topic] = HEADING_WEIGHT * sum(n for _, n in in_heading) + sum(n for _, n in in_body)
        found[topic] = ([t for t, _ in in_heading], [t for t, _ in sorted(in_body, key=lambda h: -h[1])])
    ranked = sorted(TOPIC_IDS, key=lambda t: (-scores[t], TOPIC_IDS.index(t)))
    best = ranked[0]
    if scores[best] == 0:
        topic = previous or TOPIC_IDS[0]
        why = "no topic words; the same topic as the part before" if previous else \
            "no topic words; the notice's opening part"
        return Suggestion(topic, why, 0)
    heading_words, body_words = found[best]
    parts = []
    if heading_words:
        parts.append(f'heading says "{" ".join(heading.split())}"')
    if body_words:
        parts.append("words: " + ", ".join(body_words[:6]))
    runner = ranked[1] if scores[ranked[1]] > 0 else ""
    if runner:
        parts.append(f"next: {runner}")
    return Suggestion(best, "; ".join(parts), scores[best], runner)
