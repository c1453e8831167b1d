"""Benchmark: build one 837P claim from a case and validate it with pyx12 (prints the median seconds).

    python benchmarks/bench_claims.py          # target: median <= 0.3 s per build + validate

The first validation in a process also parses pyx12's XML maps (about half a second); it is reported
separately, because a notebook or a CLI call pays it once.
"""

from __future__ import annotations

import statistics
import time

from medcode_practice import claims, records


def build_and_validate(case) -> list[str]:
    return claims.validate_837(claims.write_837(claims.build_claim(case)))


def main(rounds: int = 60) -> None:
    cases = [c for c in records.all_cases(None) if c.key.procedures and c.payer.type != "self_pay"]
    started = time.perf_counter()
    assert build_and_validate(cases[0]) == []
    first = time.perf_counter() - started
    timings = []
    for index in range(rounds):
        case = cases[index % len(cases)]
        started = time.perf_counter()
        problems = build_and_validate(case)
        timings.append(time.perf_counter() - started)
        assert problems == [], (case.id, problems)
    median = statistics.median(timings)
    adjudicate = []
    for case in cases[:30]:
        started = time.perf_counter()
        remit = claims.adjudicate(claims.build_claim(case))
        claims.validate_835(claims.write_835(remit))
        adjudicate.append(time.perf_counter() - started)
    print(f"first build + validate (loads the pyx12 maps): {first:.3f} s")
    print(f"build + validate one 837P: median {median:.4f} s over {rounds} claims, max {max(timings):.4f} s "
          f"(target <= 0.3 s)")
    print(f"build + adjudicate + validate one 835: median {statistics.median(adjudicate):.4f} s")


if __name__ == "__main__":
    main()
