"""Look at the body map: render both views to PNG, or drive bodymap.js in headless Chromium.

.venv/bin/python bench/bodymap_preview.py            # /tmp/bodymap/pair.png
.venv/bin/python bench/bodymap_preview.py --check-js # taps, list edits; prints what happened
"""

import argparse
import functools
import html
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from clinic.bodymap import Point, region_centroid, render_pair_svg, render_svg  # noqa: E402
from clinic.rules.vocabulary import REGIONS  # noqa: E402

SAMPLE_POINTS = [
    Point("front", 62, 92, 1, "Upper trapezius <script>alert(1)</script>"),
    Point("back", 78, 140, 2, "Infraspinatus"),
    Point("front", None, None, 3, "Tibialis anterior", region="shin_l"),
]
FADED = [Point("back", 120, 190, 1, "Quadratus lumborum")]

# A page built to the contract documented at the top of bodymap.js, like the note form's.
_ROW = """<tr data-{item}><td data-{number}></td>
<td><select name="points-{n}-muscle" id="points-{n}-muscle"><option value="">Muscle</option>
<option value="upper_trapezius" data-referral="neck_posterior head">Upper trapezius</option>
<option value="infraspinatus" data-referral="shoulder_r upper_arm_r">Infraspinatus</option></select></td>
<td><select name="points-{n}-region">{regions}</select>
<input type="hidden" name="points-{n}-view" value="{view}">
<input type="hidden" name="points-{n}-x" value="{x}">
<input type="hidden" name="points-{n}-y" value="{y}"></td>
<td><button type="button" data-{remove}>Remove</button></td></tr>"""

_HARNESS = """
const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const log = [];
const root = document.querySelector("[data-bodymap]");
const svgFor = (view) => root.querySelector(`svg[data-view="${view}"]`);
const markers = () => [...root.querySelectorAll(".bodymap-point:not(.faded)")].map((m) =>
  `${m.closest("svg").dataset.view}#${m.dataset.number}:${m.dataset.region}`);
const status = () => root.querySelector("[data-bodymap-status]").textContent;
function tap(view, x, y, onSvg) {
  const svg = svgFor(view);
  const p = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
  const target = onSvg ? svg : document.elementFromPoint(p.x, p.y);
  target.dispatchEvent(new MouseEvent("click", {clientX: p.x, clientY: p.y, bubbles: true}));
}
const rowValues = () => [...root.querySelectorAll(ROW)].map((r) =>
  ["view", "x", "y", "region"].map((k) => r.querySelector(`[name$="-${k}"]`).value).join(","));
await import("/bodymap.js");
log.push({step: "loaded", markers: markers()});
tap("front", ...TARGETS.knee_l, false);
await wait(120);
log.push({step: "tap knee_l", markers: markers(), rows: rowValues(), status: status(),
          focus: document.activeElement.name});
tap("back", ...TARGETS.calf_l, true);
await wait(120);
log.push({step: "tap calf_l via fallback", markers: markers(), rows: rowValues(), status: status()});
tap("front", 5, 5, false);
await wait(120);
log.push({step: "tap off body", markers: markers(), status: status()});
const muscle = document.activeElement;
muscle.value = "infraspinatus";
muscle.dispatchEvent(new Event("change", {bubbles: true}));
log.push({step: "muscle chosen", referral: [...root.querySelectorAll(".bodymap-region.referral")].map(
  (e) => e.closest("svg").dataset.view + ":" + e.dataset.region)});
root.querySelector("[data-bodymap-add]").click();
await wait(120);
const added = [...root.querySelectorAll(ROW)].at(-1);
const regionSelect = added.querySelector('[name$="-region"]');
regionSelect.value = "chest_r";
regionSelect.dispatchEvent(new Event("change", {bubbles: true}));
log.push({step: "add from list + region", markers: markers(), status: status(),
          names: [...added.querySelectorAll("[name]")].map((e) => e.name)});
root.querySelector(ROW).querySelector("button").click();
await wait(120);
log.push({step: "remove first", markers: markers(), rows: rowValues(), status: status(),
          focus: document.activeElement.textContent, referral: root.querySelectorAll(".referral").length});
document.getElementById("result").textContent = JSON.stringify(log, null, 1);
"""


# The brief's attribute names, and the ones the note form (templates/visits/_point_row.html) uses.
MARKUPS = {
    "contract": dict(item="bodymap-item", number="bodymap-number", remove="bodymap-remove", wrap=False),
    "note form": dict(item="point-row", number="point-number", remove="point-remove", wrap=True),
}


def _page(markup: dict[str, object], script: str) -> str:
    regions = '<option value="">Region</option>' + "".join(
        f'<option value="{code}">{html.escape(label)}</option>' for code, label in REGIONS.items()
    )
    names = {k: v for k, v in markup.items() if k != "wrap"}
    chosen = regions.replace('value="shoulder_r"', 'value="shoulder_r" selected')
    row = _ROW.format(n=0, regions=chosen, view="front", x="62", y="95", **names)
    template = _ROW.format(n="__prefix__", regions=regions, view="", x="", y="", **names)
    if markup["wrap"]:
        template = f"<table><tbody>{template}</tbody></table>"
    views = render_svg("front") + render_svg("back", faded_points=FADED)
    return (
        '<!doctype html><meta charset="utf-8"><link rel="stylesheet" href="/app.css">'
        '<link rel="stylesheet" href="/bodymap.css"><body><div data-bodymap style="display:flex;gap:1rem">'
        f'<div class="bodymap-views" style="width:540px">{views}</div><div>'
        f"<table data-bodymap-list><tbody>{row}</tbody></table>"
        f"<template data-bodymap-row>{template}</template>"
        '<button type="button" data-bodymap-add>Add point</button></div></div><pre id="result"></pre>'
        f'<script type="module">const ROW = "[data-{markup["item"]}]";\n{script}</script>'
    )


def _chromium(*args: str) -> str:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        sys.exit("chromium is not installed (apt-get install chromium)")
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args]
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


def check_js(out: Path) -> None:
    """Serve a contract page on 127.0.0.1, tap it from a script, print the log and a screenshot."""
    site = Path(tempfile.mkdtemp(prefix="bodymap-"))
    for name in ("js/bodymap.js", "css/bodymap.css", "css/app.css"):
        source = ROOT / "clinic/static" / name
        if source.exists():
            shutil.copy(source, site / Path(name).name)
    targets = {code: region_centroid(view, code) for view, code in (("front", "knee_l"), ("back", "calf_l"))}
    script = f"const TARGETS = {json.dumps(targets)};\n{_HARNESS}"
    for i, markup in enumerate(MARKUPS.values()):
        (site / f"page{i}.html").write_text(_page(markup, script), encoding="utf-8")
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    browse = ("--virtual-time-budget=5000", "--window-size=1100,1000")
    try:
        for i, name in enumerate(MARKUPS):
            dom = _chromium(*browse, "--dump-dom", f"{base}/page{i}.html")
            match = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
            print(f"== {name} markup ==")
            found = match.group(1) if match else ""
            print(html.unescape(found) if found else "no result: the script failed")
        _chromium(*browse, f"--screenshot={out / 'js.png'}", f"{base}/page1.html")
    finally:
        server.shutdown()
    print("wrote", out / "js.png")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "bodymap"), help="output folder")
    parser.add_argument("--scale", type=int, default=2, help="device scale factor of the PNG")
    parser.add_argument("--check-js", action="store_true", help="drive bodymap.js instead")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.check_js:
        check_js(out)
        return
    for view in ("front", "back"):
        (out / f"{view}.svg").write_text(render_svg(view), encoding="utf-8")
    pair = render_pair_svg(SAMPLE_POINTS, FADED, highlight_regions=("shoulder_r", "upper_arm_r"))
    (out / "pair.svg").write_text(pair, encoding="utf-8")
    page = '<!doctype html><meta charset="utf-8"><body style="margin:0">' + pair.replace(
        "<svg ", '<svg width="820" height="880" ', 1
    )
    (out / "pair.html").write_text(page, encoding="utf-8")
    _chromium(
        f"--force-device-scale-factor={args.scale}",
        f"--screenshot={out / 'pair.png'}",
        "--window-size=820,880",
        (out / "pair.html").as_uri(),
    )
    print("wrote", out / "pair.png")


if __name__ == "__main__":
    main()
