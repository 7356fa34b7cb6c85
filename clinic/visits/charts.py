"""Pain-over-time charts as plain geometry for a server-rendered SVG template (no JavaScript)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from ..rules.vocabulary import region_label

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 34, 16, 34


def important_change(first: int, now: int) -> bool:
    """A clinically important fall in pain: at least 2 points or 30% (the reference section 3)."""
    fall = first - now
    return fall >= 2 or (first > 0 and fall / first >= 0.3 and fall > 0)


# Each line of a chart has its own marker shape and dash (visits.css), so two lines with the same values,
# drawn one on the other, both stay visible, and colour is never the only difference.
MARKERS = ("circle", "square", "diamond", "triangle")
LEGEND_SYMBOLS = {"circle": "●", "square": "■", "diamond": "◆", "triangle": "▲"}


@dataclass
class Series:
    label: str
    css: str
    points: list[tuple[float, float, date, int]] = field(default_factory=list)  # x, y, day, value
    marker: str = "circle"

    @property
    def symbol(self) -> str:
        return LEGEND_SYMBOLS[self.marker]

    @property
    def path(self) -> str:
        return " ".join(
            f"{'M' if i == 0 else 'L'}{x:.1f} {y:.1f}" for i, (x, y, _, _) in enumerate(self.points)
        )


@dataclass
class Chart:
    title: str
    series: list[Series]
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]
    marks: list[tuple[float, float, str]]  # x, y, text of a clinically important change
    width: int = WIDTH
    height: int = HEIGHT

    def __post_init__(self) -> None:
        for n, serie in enumerate(self.series):
            serie.marker = MARKERS[n % len(MARKERS)]

    @property
    def empty(self) -> bool:
        return not any(s.points for s in self.series)


def _scale(days: list[date]):
    first, last = min(days), max(days)
    span = max((last - first).days, 1)

    def x(day: date) -> float:
        if first == last:
            return LEFT + (WIDTH - LEFT - RIGHT) / 2
        return LEFT + (day - first).days / span * (WIDTH - LEFT - RIGHT)

    return x


def _y(value: int) -> float:
    return TOP + (10 - value) / 10 * (HEIGHT - TOP - BOTTOM)


def _x_ticks(days: list[date], x) -> list[tuple[float, str]]:
    unique = sorted(set(days))
    step = max(1, len(unique) // 6)
    return [(x(d), d.strftime("%-d %b")) for d in unique[::step]]


def session_chart(
    visits: list[tuple[date, int | None, int | None]], check_ins: list[tuple[date, int]] = ()
) -> Chart:
    """Session pain before and after, per visit date, with the soreness the client reported at each
    check-in a day or two later; marks the first visit where pain before treatment had fallen
    importantly from the first visit's."""
    rows = [(d, b, a) for d, b, a in visits if b is not None or a is not None]
    before = Series("Pain before", "before")
    after = Series("Pain after", "after")
    checked = Series("Soreness at check-in", "checkin")
    series = [before, after, checked] if check_ins else [before, after]
    marks: list[tuple[float, float, str]] = []
    if not rows and not check_ins:
        return Chart("Session pain", series, [], [(_y(v), v) for v in (0, 5, 10)], marks)
    days = [d for d, _, _ in rows] + [d for d, _ in check_ins]
    x = _scale(days)
    for day, soreness in sorted(check_ins):
        checked.points.append((x(day), _y(soreness), day, soreness))
    baseline = next((b for _, b, _ in rows if b is not None), None)
    for day, pain_before, pain_after in rows:
        if pain_before is not None:
            before.points.append((x(day), _y(pain_before), day, pain_before))
            if baseline is not None and important_change(baseline, pain_before) and not marks:
                marks.append((x(day), _y(pain_before), f"Important change: {baseline} → {pain_before}"))
        if pain_after is not None:
            after.points.append((x(day), _y(pain_after), day, pain_after))
    return Chart("Session pain", series, _x_ticks(days, x), [(_y(v), v) for v in (0, 5, 10)], marks)


def region_chart(points: list[tuple[date, str, int | None]], limit: int = 4) -> Chart:
    """Average trigger-point pain before treatment per region and visit, for the most treated regions."""
    by_region: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(list))
    for day, region, pain in points:
        if pain is not None:
            by_region[region][day].append(pain)
    top = sorted(by_region, key=lambda r: (-sum(len(v) for v in by_region[r].values()), r))[:limit]
    days = sorted({d for r in top for d in by_region[r]})
    series = [Series(region_label(r), f"region-{i}") for i, r in enumerate(top)]
    marks: list[tuple[float, float, str]] = []
    if not days:
        return Chart("Trigger-point pain by region", series, [], [(_y(v), v) for v in (0, 5, 10)], marks)
    x = _scale(days)
    for serie, region in zip(series, top, strict=True):
        baseline = None
        for day in sorted(by_region[region]):
            values = by_region[region][day]
            mean = round(sum(values) / len(values))
            serie.points.append((x(day), _y(mean), day, mean))
            if baseline is None:
                baseline = mean
            elif important_change(baseline, mean) and not any(m[2].startswith(serie.label) for m in marks):
                marks.append((x(day), _y(mean), f"{serie.label}: {baseline} → {mean}"))
    return Chart(
        "Trigger-point pain by region", series, _x_ticks(days, x), [(_y(v), v) for v in (0, 5, 10)], marks
    )
