"""Issue 15: the treatment note on a tablet: the map stays in reach, taps know their side and
muscles, problems are listed at once and the draft survives them."""

import pytest
from sqlalchemy import select

from clinic import bodymap
from clinic.extensions import db
from clinic.models import User, Visit
from clinic.rules.muscles import MUSCLES, muscles_for_region
from tests.e2e.conftest import ARTIFACTS, login

TABLET = {"landscape": (1024, 768), "portrait": (768, 1024)}
MAYA = "maya@demo.knotwork.test"


def draft_id(live_app) -> int:
    with live_app.app_context():
        maya = db.session.scalar(select(User.id).where(User.email == MAYA))
        return db.session.scalar(
            select(Visit.id).where(Visit.signed_at.is_(None), Visit.therapist_id == maya)
        )


def open_note(live_app, base_url, demo, context_factory, orientation="landscape"):
    page = context_factory(viewport=TABLET[orientation]).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    page.bodymap_errors = errors
    login(page, base_url, MAYA, demo)
    page.goto(f"{base_url}/visits/{draft_id(live_app)}/edit")
    return page


def tap(page, view, x, y):
    """Tap the body map at viewBox (x, y), as a finger would."""
    svg = page.locator(f'[data-bodymap] svg[data-view="{view}"]')
    box = svg.bounding_box()
    # the figure keeps its aspect inside its box (preserveAspectRatio meet): find the drawing's scale
    scale = min(box["width"] / 200, box["height"] / 440)
    left = (box["width"] - 200 * scale) / 2
    top = (box["height"] - 440 * scale) / 2
    svg.click(position={"x": left + x * scale, "y": top + y * scale})


def tap_region(page, view, region, dx=0.0):
    x, y = bodymap.region_centroid(view, region)
    tap(page, view, x + dx, y)


def rows(page):
    return page.locator("[data-bodymap-list] tbody tr")


VISIBLE = """([view]) => {
  const svg = document.querySelector(`[data-bodymap] svg[data-view="${view}"]`).getBoundingClientRect();
  const bar = document.querySelector('.sticky-actions').getBoundingClientRect();
  const row = document.activeElement.closest('tr').getBoundingClientRect();
  const field = document.activeElement.getBoundingClientRect();
  const map = document.querySelector('.bodymap-figures').getBoundingClientRect();
  const beside = map.right <= row.left;
  return {
    scrollY, mapTop: svg.top, mapBottom: svg.bottom, barTop: bar.top,
    fieldTop: field.top, fieldBottom: field.bottom, floor: beside ? 0 : map.bottom,
    active: document.activeElement.name,
  };
}"""


@pytest.mark.parametrize("orientation", sorted(TABLET))
def test_tapping_points_keeps_the_map_in_reach(live_app, base_url, demo, context_factory, orientation):
    page = open_note(live_app, base_url, demo, context_factory, orientation)
    page.locator("#points-h").scroll_into_view_if_needed()
    before = rows(page).count()
    # (the draft's own points sit on the right shoulder and the back of the neck: a tap there opens them)
    taps = ["upper_arm_l", "upper_back", "mid_back", "lower_back", "gluteal_l", "thigh_back_r", "calf_r"]
    for n, region in enumerate(taps, start=1):
        tap_region(page, "back", region)
        assert rows(page).count() == before + n
        seen = page.evaluate(VISIBLE, ["back"])
        where = f"tap {n} ({region}) at {orientation}: {seen}"
        assert seen["mapTop"] >= -1 and seen["mapBottom"] <= seen["barTop"] + 1, where  # the whole map
        assert seen["active"].endswith("-muscle"), where  # the new row's muscle, ready to choose
        assert seen["fieldTop"] >= seen["floor"] and seen["fieldBottom"] <= seen["barTop"], where
    (ARTIFACTS / "screenshots").mkdir(parents=True, exist_ok=True)  # what the therapist sees now
    page.screenshot(path=str(ARTIFACTS / "screenshots" / f"note-after-taps-{orientation}.png"))
    assert not page.bodymap_errors


def test_a_tap_outside_the_outline_says_why_nothing_was_added(live_app, base_url, demo, context_factory):
    page = open_note(live_app, base_url, demo, context_factory)
    before = rows(page).count()
    assert bodymap.region_at("back", 10, 400) is None
    tap(page, "back", 10, 400)
    note = page.locator("[data-bodymap-miss]")
    note.wait_for()
    assert "outside the body" in note.inner_text()
    assert rows(page).count() == before
    tap_region(page, "back", "upper_back")
    assert note.is_hidden()
    assert rows(page).count() == before + 1


# (view, region, offset from its centre in viewBox units, the side the point must take)
SIDE_TAPS = [
    ("back", "upper_back", 12, "right"),  # the tap: right of the spine
    ("back", "upper_back", -12, "left"),
    ("back", "upper_back", 0, "midline"),
    ("back", "lower_back", 14, "right"),
    ("back", "head", -10, "left"),
    ("front", "abdomen", 14, "left"),  # the front faces us: the viewer's right is the client's left
    ("front", "abdomen", -14, "right"),
    ("front", "head", 0, "midline"),
    ("front", "knee_l", 0, "left"),
    ("back", "calf_r", 0, "right"),
]


def test_a_tapped_point_takes_the_side_of_the_tap(live_app, base_url, demo, context_factory):
    page = open_note(live_app, base_url, demo, context_factory)
    for view, region, dx, side in SIDE_TAPS:
        x, y = bodymap.region_centroid(view, region)
        assert bodymap.region_at(view, x + dx, y) == region
        tap_region(page, view, region, dx)
        row = rows(page).last
        assert row.locator("select[name$='-region']").input_value() == region
        assert row.locator("select[name$='-side']").input_value() == side, (view, region, dx)
    assert not page.bodymap_errors


def test_the_muscle_list_starts_with_the_tapped_region_and_the_technique_follows(
    live_app, base_url, demo, context_factory
):
    page = open_note(live_app, base_url, demo, context_factory)
    existing = rows(page).last.locator("select[name$='-technique']").input_value()
    tap_region(page, "back", "upper_back")
    row = rows(page).last
    groups = row.locator("select[name$='-muscle'] optgroup")
    assert groups.first.get_attribute("label") == "In the upper back"
    first = groups.first.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert set(first) == set(muscles_for_region("upper_back"))
    assert first == sorted(first, key=lambda code: MUSCLES[code].name)  # alphabetical, like the rest
    rest = groups.nth(1).locator("option").evaluate_all("options => options.map(o => o.value)")
    assert set(first) | set(rest) == set(MUSCLES) and not set(first) & set(rest)
    assert row.locator("select[name$='-technique']").input_value() == existing  # the last one used

    row.locator("select[name$='-technique']").select_option("massage_ball")
    tap_region(page, "back", "calf_l")
    row = rows(page).last
    assert row.locator("select[name$='-technique']").input_value() == "massage_ball"
    labels = row.locator("select[name$='-muscle'] optgroup").first.locator("option").all_inner_texts()
    assert "Gastrocnemius" in " ".join(labels)
    # choosing another region in the list reorders its muscles, keeping the chosen one
    row.locator("select[name$='-muscle']").select_option("gastrocnemius")
    row.locator("select[name$='-region']").select_option("shoulder_r")
    assert row.locator("select[name$='-muscle']").input_value() == "gastrocnemius"
    assert (
        row.locator("select[name$='-muscle'] optgroup").first.get_attribute("label")
        == "In the shoulder, right"
    )


HIDDEN_BY_BARS = """(id) => {
  const field = document.getElementById(id).getBoundingClientRect();
  const bar = document.querySelector('.sticky-actions').getBoundingClientRect();
  const map = document.querySelector('.bodymap-figures').getBoundingClientRect();
  const row = document.getElementById(id).closest('tr');
  const under = row && map.right > row.getBoundingClientRect().left ? map.bottom : 0;
  return {top: field.top, bottom: field.bottom, floor: under, bar: bar.top, height: innerHeight};
}"""


@pytest.mark.parametrize("orientation", sorted(TABLET))
def test_a_refused_signing_lists_every_problem_first_and_keeps_the_text(
    live_app, base_url, demo, context_factory, orientation
):
    page = open_note(live_app, base_url, demo, context_factory, orientation)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.get_by_label("Session pain before (0-10)").fill("11")
    page.get_by_label("Subjective").fill("Worse after gardening; typed on the tablet")
    tap_region(page, "back", "calf_r")  # a new point without its muscle
    page.get_by_role("button", name="Save and sign").click()
    summary = page.locator("[data-note-problems]")
    summary.wait_for()
    assert dialogs == []  # no "Sign and lock?" for a note that cannot be signed
    assert page.evaluate("document.activeElement.id") == "note-problems"
    links = summary.locator("a")
    texts = links.all_inner_texts()
    assert any("Session pain before" in t for t in texts)
    assert any(t.startswith("Point 3, Muscle") for t in texts), texts
    assert page.get_by_label("Subjective").input_value() == "Worse after gardening; typed on the tablet"
    ARTIFACTS.joinpath("screenshots").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "screenshots" / f"note-problems-{orientation}.png"))

    # each link lands on its field, clear of the save bar (and of a map stuck above the list)
    for n in range(links.count()):
        link = links.nth(n)
        target = link.get_attribute("href")[1:]
        link.click()
        page.wait_for_function("(id) => location.hash === '#' + id", arg=target)
        seen = page.evaluate(HIDDEN_BY_BARS, target)
        assert seen["top"] >= seen["floor"] and seen["bottom"] <= seen["bar"], (target, seen)
        page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / "screenshots" / f"note-problem-link-{orientation}.png"))

    # leaving before the text is stored asks first
    page.get_by_role("link", name="Clients", exact=True).click()
    page.wait_for_timeout(300)
    assert dialogs == ["beforeunload"]
    assert "/edit" in page.url
    assert not page.bodymap_errors
