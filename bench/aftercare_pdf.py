"""Benchmark of the aftercare sheet: build + render one realistic 2-page sheet (target < 20 ms median).

Prints the import cost, the first sheet in the process, then median and p95 of wall time and of
CPU time (CPU time is what one core spends; wall time also counts waiting for a busy machine),
sheets per second on one core, and a 20-sheet batch. Run: .venv/bin/python bench/aftercare_pdf.py
"""

import argparse
import io
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clinic.aftercare.sheet import (  # noqa: E402
    AftercareInput,
    ClinicInfo,
    FrequencyAdvice,
    NextAppointment,
    TreatedPoint,
    build_sheet,
)


def _logo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (240, 80), (31, 95, 91)).save(buffer, format="PNG")
    return buffer.getvalue()


def realistic_input(logo: bytes | None) -> AftercareInput:
    return AftercareInput(
        clinic=ClinicInfo(
            name="Knot & Ease Trigger Point Clinic",
            address="12 Harbour Street\nBristol BS1 4AA",
            phone="0117 496 0000",
            email="hello@knotease.example",
            logo_png=logo,
            paper="A4",
        ),
        client_first_name="Zoë",
        visit_date=date(2026, 11, 24),
        therapist_name="Łucja Ngô-Łukasiewicz",
        regions=["shoulder_l", "neck_posterior", "upper_back", "calf_r"],
        muscles=["Upper trapezius", "Levator scapulae", "Rhomboids", "Gastrocnemius"],
        techniques=["hand_pressure", "massage_ball", "foam_roller", "stretching", "dry_needling"],
        points=[
            TreatedPoint("back", 64, 99, 1, "shoulder_l"),
            TreatedPoint("back", 100, 118, 2, "upper_back"),
            TreatedPoint("back", None, None, 3, "neck_posterior"),
            TreatedPoint("back", None, None, 4, "calf_r"),
        ],
        precautions=["anticoagulant", "diabetes", "acute_injury", "epilepsy"],
        next_appointments=[
            NextAppointment(datetime(2026, 12, 1, 10, 30), "Łucja Ngô-Łukasiewicz"),
            NextAppointment(datetime(2026, 12, 8, 14, 0), "Sam Lee"),
        ],
        frequency=FrequencyAdvice("chronic", 7),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--out", help="also write one sheet to this PDF file")
    args = parser.parse_args()

    started = time.perf_counter()
    from clinic.aftercare.pdf import render_batch, render_pdf

    imported = time.perf_counter() - started
    data = realistic_input(_logo())

    started = time.perf_counter()
    first_pdf = render_pdf(build_sheet(data))
    first = time.perf_counter() - started
    if args.out:
        Path(args.out).write_bytes(first_pdf)

    for _ in range(20):  # warm-up
        render_pdf(build_sheet(data))
    wall, cpu = [], []
    for _ in range(args.runs):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        render_pdf(build_sheet(data))
        wall.append((time.perf_counter() - wall_start) * 1000)
        cpu.append((time.process_time() - cpu_start) * 1000)

    batch = [build_sheet(data) for _ in range(20)]
    batch_start = time.perf_counter()
    batch_pdf = render_batch(batch)
    batch_ms = (time.perf_counter() - batch_start) * 1000

    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[-1]

    print(f"import clinic.aftercare.pdf (reportlab, fonts, diagram): {imported * 1000:.0f} ms")
    print(f"first sheet in the process: {first * 1000:.1f} ms, {len(first_pdf) / 1024:.0f} KiB")
    print(
        f"build + render one sheet ({args.runs} runs): wall median {statistics.median(wall):.1f} ms, "
        f"p95 {p95(wall):.1f} ms; CPU median {statistics.median(cpu):.1f} ms, p95 {p95(cpu):.1f} ms"
    )
    print(
        f"sheets per second on one core: {1000 / statistics.median(cpu):.0f} (CPU), "
        f"{1000 / statistics.median(wall):.0f} (wall)"
    )
    print(
        f"batch of 20 sheets in one PDF: {batch_ms:.0f} ms ({batch_ms / 20:.1f} ms a sheet), "
        f"{len(batch_pdf) / 1024:.0f} KiB"
    )
    try:
        import _rl_accel  # noqa: F401

        print("ReportLab C accelerator (rl_accel): installed")
    except ImportError:
        print("ReportLab C accelerator (rl_accel): not installed; reportlab[accel] saves ~2 ms")


if __name__ == "__main__":
    main()
