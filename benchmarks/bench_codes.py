"""Benchmark: cold import + first lookup vs simple_icd_10_cm, and search latency (prints figures; not a test).

    python benchmarks/bench_codes.py

Targets (issue 2): cold `import medcode_practice` + first lookup >= 10x faster and >= 4x less peak memory than
`import simple_icd_10_cm` + first lookup, in the same run; search p95 <= 5 ms over 1000 mixed queries.
"""

from __future__ import annotations

import json
import random
import statistics
import subprocess
import sys
import time

COLD = {
    "medcode_practice": "import medcode_practice; medcode_practice.codes.lookup('S72.001A').description",
    "simple_icd_10_cm": "import simple_icd_10_cm as cm; cm.get_description('S72.001A')",
}
_RUNNER = r"""
import resource, sys, time, warnings
warnings.simplefilter("ignore")
started = time.perf_counter()
exec(sys.argv[1])
elapsed = time.perf_counter() - started
print(elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def cold(statement: str, repeats: int = 5) -> tuple[float, float]:
    """Return the median seconds and peak RSS (MiB) of running ``statement`` in a fresh interpreter."""
    times, peaks = [], []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", _RUNNER, statement], capture_output=True, text=True, check=True)
        seconds, peak = map(float, out.stdout.split())
        times.append(seconds)
        peaks.append(peak)
    return statistics.median(times), statistics.median(peaks)


def queries(count: int = 1000) -> list[str]:
    rng = random.Random(7)
    words = ["diabetes", "type 2 diabetes with chronic kidney disease", "fracture femur right", "laparoscopic",
             "appendectomy", "pneumonia", "covid", "hypertension heart failure", "otitis media left",
             "colonoscopy", "ketorolac", "wheelchair", "sepsis", "heart attack", "asthma exacerbation",
             "cholecystectomy laparoscopic", "knee replacement", "office visit established", "E11", "S72.001",
             "99213", "J1885", "0DTJ", "diabtes", "pregnancy weeks", "screening colon", "cellulitis leg",
             "migraine", "depression", "anemia iron", "ankle sprain", "laceration repair", "vaccine influenza"]
    return [rng.choice(words) for _ in range(count)]


def main() -> None:
    mine = cold(COLD["medcode_practice"])
    theirs = cold(COLD["simple_icd_10_cm"])
    print(f"cold import + first lookup: medcode_practice {mine[0] * 1000:.0f} ms / {mine[1]:.0f} MiB peak; "
          f"simple_icd_10_cm {theirs[0] * 1000:.0f} ms / {theirs[1]:.0f} MiB peak")
    print(f"  ratio: {theirs[0] / mine[0]:.1f}x faster (target >= 10x), {theirs[1] / mine[1]:.1f}x less memory "
          f"(target >= 4x)")

    from medcode_practice.codes import search

    search("warm up")
    latencies = []
    for text in queries():
        started = time.perf_counter()
        search(text, limit=10)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p95 = latencies[int(len(latencies) * 0.95)]
    print(f"search over all code sets, 1000 mixed queries: p50 {p50:.2f} ms, p95 {p95:.2f} ms "
          f"(target p95 <= 5 ms), max {latencies[-1]:.2f} ms")
    print(json.dumps({"cold_ratio_time": round(theirs[0] / mine[0], 1), "cold_ratio_rss": round(theirs[1] / mine[1], 1),
                      "search_p50_ms": round(p50, 2), "search_p95_ms": round(p95, 2)}))


if __name__ == "__main__":
    main()
