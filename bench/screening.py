"""Benchmark: screen() of a 20-item plan against 15 conditions (budget: well under 1 ms median).

Run: .venv/bin/python bench/screening.py [runs]   Prints figures; it is not a pass/fail test.
"""

import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from clinic.rules.policy import with_overrides  # noqa: E402
from clinic.rules.screening import screen  # noqa: E402

CONDITIONS = [
    {"code": "anticoagulant"},
    {"code": "diabetes"},
    {"code": "neuropathy", "region": "ankle_foot_l"},
    {"code": "pregnancy", "weeks": 24},
    {"code": "hypertension_controlled"},
    {"code": "osteoporosis", "cleared": True},
    {"code": "varicose_veins", "region": "calf_r"},
    {"code": "skin_lesion", "region": "forearm_l"},
    {"code": "acute_injury", "region": "shin_l", "date": "2026-11-14"},
    {"code": "recent_surgery", "region": "knee_r", "date": "2026-10-20"},
    {"code": "steroid_injection", "region": "shoulder_r", "date": "2026-11-01"},  # outside its window
    {"code": "lymphedema", "region": "upper_arm_l"},
    {"code": "pacemaker"},
    {"code": "fibromyalgia"},
    {"code": "latex_allergy"},
]
PLAN = [
    {"technique": technique, "region": region}
    for technique, region in [
        ("hand_pressure", "upper_back"), ("massage", "neck_posterior"), ("massage", "lower_back"),
        ("foam_roller", "thigh_back_l"), ("massage_ball", "gluteal_r"), ("massage_gun", "calf_r"),
        ("massage_gun", "thigh_front_l"), ("leg_massager", "legs"), ("acupuncture", "shoulder_l"),
        ("dry_needling", "upper_back"), ("stretching", "hip_l"), ("stretching", "neck_posterior"),
        ("heat", "lower_back"), ("cold", "shin_l"), ("hand_pressure", "forearm_l"), ("massage", "chest_l"),
        ("massage_ball", "wrist_hand_r"), ("foam_roller", "calf_l"), ("hand_pressure", "popliteal_l"),
        ("heat", "abdomen"),
    ]
]  # fmt: skip
PAYLOAD = {"on": "2026-11-16", "age": 42, "consent": True, "conditions": CONDITIONS, "plan": PLAN}


def measure(label: str, call: Callable[[], object], runs: int) -> None:
    for _ in range(200):  # warm up
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        call()
        times.append(time.perf_counter_ns() - start)
    times.sort()
    median = statistics.median(times) / 1000
    p95 = times[int(len(times) * 0.95) - 1] / 1000
    mean = statistics.fmean(times) / 1000
    # calls/s from the mean: what one core sustains, pauses and preemption included
    figures = f"median {median:6.1f} µs  p95 {p95:6.1f} µs  mean {mean:6.1f} µs  {1e6 / mean:7,.0f} calls/s"
    print(f"{label:<28} {figures}")


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    result = screen(PAYLOAD)
    assert len(result["items"]) == 20 and len(CONDITIONS) == 15
    findings = sum(len(item["findings"]) for item in result["items"])
    print(f"screen(): 20 items x 15 conditions, {findings} findings, {result['verdict']}, {runs} runs each")
    measure("default policy", partial(screen, PAYLOAD), runs)
    clinic = with_overrides({"anticoagulant/G": "precaution", "fibromyalgia/D": "none"}, "clinic-bench")
    measure("clinic policy (2 overrides)", partial(screen, PAYLOAD, clinic), runs)
    build = partial(with_overrides, {"anticoagulant/G": "precaution"}, "v")
    measure("building a clinic policy", build, runs // 10)


if __name__ == "__main__":
    main()
