"""Benchmark: nbgrader autograde time of an exercise notebook against a bare notebook of the same shape.

    python benchmarks/bench_autograde.py [05-cpt-em] [--rounds 5]      # target: ratio <= 1.2

Both notebooks go through the same course, config and kernel in the same run: the bare one has the same cells
with the same nbgrader metadata but trivial sources (`x = 1`), so the difference is what the library costs a
submission - importing it in the first cell and grading each item. Rounds alternate between the two and the
medians are compared.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def bare_copy(nb: dict) -> dict:
    """Return the notebook with every code cell's source replaced by a trivial statement."""
    out = json.loads(json.dumps(nb))
    for cell in out["cells"]:
        if cell["cell_type"] == "code":
            meta = cell.get("metadata", {}).get("nbgrader", {})
            cell["source"] = "x = 1\n### BEGIN SOLUTION\nx = 2\n### END SOLUTION" if meta.get("solution") else "x = 1"
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("unit", nargs="?", default="05-cpt-em")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("PYTHONPATH", str(ROOT))  # kernels import the library from this checkout
    from medcode_practice.commands.course import _stub, nbgrader_api

    source = ROOT / "exercises" / "source" / args.unit / f"{args.unit}.ipynb"
    nb = json.loads(source.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="medcode-bench-") as tmp:
        course = Path(tmp)
        os.environ["HOME"] = str(course / "home")
        (course / "home").mkdir()
        (course / "nbgrader_config.py").write_text(_stub(ROOT), encoding="utf-8")
        notebooks = {"exercise": nb, "bare": bare_copy(nb)}
        for name, content in notebooks.items():
            folder = course / "source" / name
            folder.mkdir(parents=True)
            (folder / f"{name}.ipynb").write_text(json.dumps(content), encoding="utf-8")
            student = course / "submitted" / "student" / name
            student.mkdir(parents=True)
            shutil.copy(folder / f"{name}.ipynb", student / f"{name}.ipynb")
        api = nbgrader_api(course)
        for name in notebooks:
            result = api.generate_assignment(name, force=True, create=True)
            assert result["success"], result.get("log")
        api.autograde("bare", "student")  # warm-up: first kernel start, imports in this process
        times: dict[str, list[float]] = {name: [] for name in notebooks}
        for _ in range(args.rounds):
            for name in notebooks:
                started = time.perf_counter()
                result = api.autograde(name, "student", force=True, create=True)
                times[name].append(time.perf_counter() - started)
                assert result["success"], result.get("log")
    cells = sum(1 for c in nb["cells"] if c["cell_type"] == "code")
    exercise, bare = statistics.median(times["exercise"]), statistics.median(times["bare"])
    print(f"{args.unit}: {cells} code cells, median of {args.rounds} autogrades each")
    print(f"  exercise notebook  {exercise:.2f} s")
    print(f"  bare notebook      {bare:.2f} s")
    print(f"  ratio              {exercise / bare:.2f}x (target <= 1.2x)")
    print(f"  load average       {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (timings stretch under load)")


if __name__ == "__main__":
    main()
