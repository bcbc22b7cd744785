"""How long the review-panel draw takes, in the platform and in the standalone verifier.

Pure functions, no database:  python benchmarks/panel_draw.py
Prints, per pool size (each of the three drawn pools that size), the time to compute the commitment,
to run the draw (members, ordered alternates, probabilities) and to verify it with
scripts/verify_panel_draw.py; then the 1,000-draw fairness check's running time.
"""
import importlib.util
import time

import django_setup  # the repository on the path, Django set up: before any project import

from deliberation import draw

ROOT = django_setup.ROOT

spec = importlib.util.spec_from_file_location("verify_panel_draw", ROOT / "scripts" / "verify_panel_draw.py")
verifier = importlib.util.module_from_spec(spec)
spec.loader.exec_module(verifier)


def doc_of(n):
    return draw.input_document(
        panel={"cycle": 2026, "district": "daan"},
        pools={t: [f"P-{t[0].upper()}{i:08d}" for i in range(n)] for t in ("basic", "advanced", "proposer")},
        quotas={"basic": 5, "advanced": 2, "proposer": 2},
        randomness={"source": "Lotto 6/49", "date": "2026-06-25"},
    )


def best_of(fn, repeat=3):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


print(f"{'pool size':>10} {'commitment ms':>14} {'draw ms':>9} {'verify ms':>10}")
for n in (100, 1_000, 10_000, 100_000):
    doc = doc_of(n)
    result = draw.run(doc, "03,11,19,27,38,42")
    c = best_of(lambda: draw.commitment_of(doc))
    d = best_of(lambda: draw.run(doc, "03,11,19,27,38,42"))
    v = best_of(lambda: verifier.compare(doc, result))
    assert verifier.compare(doc, result) == []
    print(f"{n:>10,} {c * 1000:>14.1f} {d * 1000:>9.1f} {v * 1000:>10.1f}")

doc = doc_of(60)
t = time.perf_counter()
for k in range(1000):
    draw.run(doc, f"{k:04d}")
print(f"1,000 draws from pools of 60: {time.perf_counter() - t:.2f} s")
