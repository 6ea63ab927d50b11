"""Cold protected-release recompute: one year's answers family, no database.

    nice .venv/bin/python bench/release.py [--responses 100000] [--method suppress]

Spreads the responses over 40 services, 3 boroughs, 3 channels and 24 months exactly as
`bench/reports.py` does (its generator, same seeds), keeps one year, and times what a
cold report or the background refresh pays after loading the counters: the responses
release, then each question's release (`release.build_release`, the exact check of
`reports.exposure` included), one after another as `service._protect_answers` runs them.
Prints each question's time, LP solves and simplex iterations (iterations do not move
with the machine's load, times do), and the family's total beside the 300 ms target.
The warm figures (stored releases served) are `bench/reports.py`'s.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

import highspy

from feedback.reports import disclosure
from feedback.reports.periods import single_year
from feedback.reports.release import BASE, Atom, build_release, protect_responses

sys.path.insert(0, str(Path(__file__).resolve().parent))
import reports as generator  # noqa: E402  # bench/reports.py: the same data set

TARGET_MS = 300.0
YEAR = 2026


class Solves:
    """Counts every LP solve the exact check makes, and its simplex iterations."""

    def __init__(self) -> None:
        self.solves = self.iterations = 0
        self._optimise = disclosure.LinearView._optimise

    def install(self) -> None:
        counter = self

        def counted(view: disclosure.LinearView, highs: highspy.Highs, sense: object) -> float:
            value = counter._optimise(view, highs, sense)  # type: ignore[arg-type]
            counter.solves += 1
            counter.iterations += highs.getInfo().simplex_iteration_count
            return value

        disclosure.LinearView._optimise = counted  # type: ignore[assignment,method-assign]


def atoms(responses: int) -> tuple[dict[str, dict[Atom, int]], dict[Atom, int]]:
    """Each question's (option) atoms and the responses atoms for YEAR."""
    spread = generator.cells(responses, list(range(1, 41)))
    people: dict[Atom, int] = defaultdict(int)
    for service, borough, month, channel, count in spread:
        if month.startswith(str(YEAR)):
            people[Atom(BASE, str(service), borough, channel, month)] += count
    questions: dict[str, dict[Atom, int]] = defaultdict(lambda: defaultdict(int))
    for _v, question, option, service, borough, month, channel, count in generator.counter_rows(
        spread, 1
    ):
        if str(month).startswith(str(YEAR)):
            questions[str(question)][
                Atom(str(option), str(service), str(borough), str(channel), str(month))
            ] += int(count)  # type: ignore[arg-type]
    return {q: dict(a) for q, a in questions.items()}, dict(people)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--method", default="suppress", choices=("suppress",))
    parser.add_argument("--threshold", type=int, default=5)
    parser.add_argument("--questions", type=int, default=0, help="only the first N (0: all)")
    options = parser.parse_args()
    counter = Solves()
    counter.install()
    questions, people = atoms(options.responses)
    window = single_year(YEAR)
    started = time.perf_counter()
    responses = protect_responses(
        people, window=window, threshold=options.threshold, method=options.method
    )
    print(f"responses release        {1000 * (time.perf_counter() - started):9.0f} ms")
    chosen = sorted(questions)[: options.questions or None]
    for question in chosen:
        solves, iterations = counter.solves, counter.iterations
        begun = time.perf_counter()
        release = build_release(
            questions[question],
            window=window,
            rows=sorted({atom.row for atom in questions[question]}),
            additive=True,
            threshold=options.threshold,
            method=options.method,
            responses=responses,
        )
        print(
            f"{question:24s} {1000 * (time.perf_counter() - begun):9.0f} ms"
            f"  {counter.solves - solves:4d} solves {counter.iterations - iterations:6d} iterations"
            f"  {len(release.hidden):5d} hidden"
        )
    total = 1000 * (time.perf_counter() - started)
    print(
        f"cold family ({len(chosen)} questions, {options.responses} responses, "
        f"{options.method}): {total:.0f} ms, {counter.solves} solves, "
        f"{counter.iterations} iterations; target {TARGET_MS:.0f} ms"
    )


if __name__ == "__main__":
    main()
