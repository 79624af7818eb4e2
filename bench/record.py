"""Recording figures, each beside the bare store save measured in the same run.

- review to saved: build the visit and its decisions from the screens' data, save
  them (one visit event and one per choice, each durable), and show the saved
  state on the review screen. Target: under 300 ms.
- summary PDF: build the family's summary in their language and write it as a
  PDF (fonts embedded, QR code). Target: under 300 ms.
- baseline: one bare ``Store.record_decision`` (validate, encrypt, sign, chain,
  commit with fsync).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/record.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from familyprivacy import i18n, summary
from familyprivacy import visit as session
from familyprivacy.consent.crypto import KdfParams
from familyprivacy.consent.model import Capture, Child, Decision, Grantor, Interpreter
from familyprivacy.consent.store import Store
from familyprivacy.content.loader import load_all
from familyprivacy.content.localize import localize
from familyprivacy.content.model import Notice
from familyprivacy.ui import recording
from familyprivacy.ui.app import application
from familyprivacy.ui.people_form import People
from familyprivacy.ui.review_screen import ReviewScreen
from familyprivacy.ui.summary_pdf import write_pdf

NOTICE = "essex/childrens-services"  # the notice with the most choices


def median_ms(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(lang: str, notice: Notice, store: Store, people: People, review: ReviewScreen, out: Path,
            rounds: int) -> str:
    app = application()
    i18n.set_language(lang)
    family = localize(notice, lang)
    shown = session.Visit(notice.id, language=lang)
    shown.record(family, [s.id for s in family.sections])
    answers = {c.id: ("given" if c.kind == "information-only" else "refused") for c in family.choices}
    review.show_review(family, answers, people)
    worker = recording.worker_for(store)

    # Baseline: one bare decision save (each against its own, already saved visit).
    singles: list[Decision] = []
    for _ in range(rounds):
        record, decisions = recording.build(shown, family, answers, people, worker)
        store.record_visit(record)
        singles.append(decisions[0])
    pending = iter(singles)
    baseline = median_ms(lambda: store.record_decision(next(pending)), rounds)

    def review_to_saved() -> None:
        record, decisions = recording.build(shown, family, answers, people, recording.worker_for(store))
        recording.save(store, record, decisions)
        review.show_saved()
        app.processEvents()
        review.show_unsaved()

    saved = median_ms(review_to_saved, rounds)
    record, decisions = recording.build(shown, family, answers, people, worker)
    current = {d.choice_id: d for d in decisions}
    pdf_ms = median_ms(lambda: write_pdf(summary.build(family, record, current), lang,
                                         out / f"summary-{lang}.pdf"), rounds)
    return (f"{lang}: bare save of one decision {baseline:6.1f} ms | review to saved ({1 + len(decisions)} "
            f"events) {saved:6.1f} ms = {saved / baseline:4.1f}x | summary PDF {pdf_ms:6.1f} ms = "
            f"{pdf_ms / baseline:4.1f}x | target < 300 ms: {'met' if max(saved, pdf_ms) < 300 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["FAMILYPRIVACY_DATA_DIR"] = str(Path(tmp) / "data")
        os.environ["FAMILYPRIVACY_CACHE_DIR"] = str(Path(tmp) / "cache")
        application()
        notice = load_all().by_id(NOTICE)
        notice = dataclasses.replace(notice, council=dataclasses.replace(
            notice.council, website="https://www.essex.gov.uk/privacy"))
        store = Store.create(Path(tmp) / "records.db", "bench passphrase", "Jo Caseworker",
                             KdfParams.fast_for_tests())
        stroke = tuple((float(i), float(i * 2 % 97), float(i * 8)) for i in range(80))
        people = People((Grantor("g1", "Amelia Nowak", "mother"), Grantor("g2", "Piotr Nowak", "father")),
                        (Child("c1", "Zofia"), Child("c2", "Jan")), Interpreter("phone", "pl", "LL-1"),
                        "CH-12345", Capture("signature", (stroke,) * 3, None))
        review = ReviewScreen()
        review.resize(1000, 700)
        out = Path(tmp) / "out"
        out.mkdir()
        for lang in ("en", "pl", "ar"):
            print(measure(lang, notice, store, people, review, out, args.rounds))
        i18n.set_language("en")
        store.close()


if __name__ == "__main__":
    main()
