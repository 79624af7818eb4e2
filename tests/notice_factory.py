"""Builds small notice files for loader and checker tests."""

from __future__ import annotations

from pathlib import Path

from familyprivacy.content.topics import TOPIC_IDS

SOURCE = """Toggle menu
Example Council is the data controller.
We use your information to help your family. We share it to keep children safe.
  • with schools
  • with the NHS
"""


def notice_toml(notice_id: str = "example/test", extra: str = "", official_first: str | None = None
                ) -> str:
    official_first = official_first if official_first is not None else (
        "Example Council is the data controller.")
    sections = []
    officials = {
        "who-we-are": official_first,
        "why-we-use-it": "We use your information to help your family. "
                         "We share it to keep children safe.",
        "who-we-share-with": "  • with schools\n  • with the NHS",
    }
    for topic in TOPIC_IDS:
        official = officials.get(topic, "")
        sections.append(
            f'[[section]]\nid = "{topic}"\ntopic = "{topic}"\ntitle = "About {topic}"\n'
            f'plain = "We are the council. We help you."\nofficial = """{official}"""\n'
            + ('covers = ["controller"]\n' if topic == "who-we-are" else "")
        )
    return (
        f'schema = 1\nid = "{notice_id}"\ntitle = "Test notice"\nsource_file = "test.source.txt"\n'
        + extra
        + '\n[council]\nid = "example"\nname = "Example Council"\ncontroller = "Example Council"\n'
        'dpo = "The notice gives no DPO contact."\ncontact = "Call the council."\n'
        'ico = "The notice does not give the ICO contact."\n\n'
        '[ignored]\nlines = ["Toggle menu"]\nreason = "website menu button"\n\n'
        + "\n".join(sections)
        + '\n[[gap]]\nitem = "dpo"\nnote = "The notice gives no contact for the DPO."\n'
    )


def write_notice(folder: Path, name: str = "test.toml", text: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "test.source.txt").write_text(SOURCE, "utf-8")
    path = folder / name
    path.write_text(text if text is not None else notice_toml(), "utf-8")
    return path
