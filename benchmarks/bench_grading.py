"""Benchmark: grades per second in-process over varied answers to every practice case (prints figures).

    python benchmarks/bench_grading.py          # target: >= 10,000 grades per second
"""

from __future__ import annotations

import random
import time

from medcode_practice import grading, records


def answers(cases, count: int, seed: int = 3) -> list[tuple]:
    """Build a mix of right, partly right, over-coded and garbled answers from the real keys."""
    rng = random.Random(seed)
    noise = ["R51.9", "E11.9", "I10", "Z00.00", "99213", "J1885 x1", "banana", "S72.001", "E11"]
    out = []
    for _ in range(count):
        case = rng.choice(cases)
        key = grading.key_answer(case)
        codes = key["diagnoses"] + key["procedures"] + key["pcs"]
        kind = rng.random()
        if kind < 0.3:
            picked = codes
        elif kind < 0.6:
            picked = rng.sample(codes, max(1, len(codes) - 1)) if codes else []
        elif kind < 0.85:
            picked = codes + rng.sample(noise, 2)
        else:
            picked = [rng.choice(noise) for _ in range(3)]
        out.append((case, ", ".join(picked)))
    return out


def main() -> None:
    cases = records.all_cases("practice")
    work = answers(cases, 20000)
    for case, text in work[:2000]:  # warm the code caches as a running app would be
        grading.grade(case, text)
    started = time.perf_counter()
    for case, text in work:
        grading.grade(case, text)
    elapsed = time.perf_counter() - started
    print(f"graded {len(work)} varied answers over {len(cases)} cases in {elapsed:.2f} s: "
          f"{len(work) / elapsed:,.0f} grades/s (target >= 10,000)")


if __name__ == "__main__":
    main()
