// Body map: tap the drawing to add a numbered trigger point to the note's point list.
// Plain ES module, no inline script (the CSP forbids it). The list is the keyboard and
// screen-reader path; the drawing is an enhancement over it.
//
// Page contract (the template follows it; clinic/bodymap.py renders the SVGs):
//   <div data-bodymap>
//     <svg data-view="front">...</svg> <svg data-view="back">...</svg>   render_svg(): regions are
//         .bodymap-region[data-region][data-cx][data-cy]; markers go in [data-bodymap-markers];
//         .bodymap-point.faded markers (previous visit) are left alone.
//     <table data-bodymap-list><tbody> rows [data-bodymap-item] </tbody></table>
//         A row holds fields named points-N-view, points-N-x, points-N-y (hidden inputs) and
//         points-N-region (a select of region codes), plus any others (muscle, side, ...).
//         Optional in a row: [data-bodymap-number] elements (get the point's number), a select
//         whose options carry data-referral="code code ..." (the muscle), a [data-bodymap-remove]
//         button, [data-bodymap-focus] (the field to focus in a new row; else the first visible one).
//         The note form's names are accepted too: data-point-row, data-point-number, data-point-remove.
//     <template data-bodymap-row> one row with __prefix__ where N goes (it may sit in a
//         <table><tbody> wrapper so the browser keeps the <tr>) </template>
//     <button type="button" data-bodymap-add>Add point</button>
//     <p data-bodymap-status aria-live="polite" class="visually-hidden"></p>  (made if missing)
//   </div>
// Markers are numbered in list order. A row with a region but no x/y (added from the list) is
// drawn at its region's centre. Removed rows leave a gap in N; WTForms' FieldList accepts that.

const SVG_NS = "http://www.w3.org/2000/svg";
const FIELD_SELECTOR = "select, textarea, input:not([type=hidden]), button";
const ROW = "[data-bodymap-item], [data-point-row]";
const NUMBER = "[data-bodymap-number], [data-point-number]";
const REMOVE = "[data-bodymap-remove], [data-point-remove]";

function field(row, key) {
  return row.querySelector(`[name$="-${key}"]`);
}

function optionText(select) {
  const option = select && select.value ? select.selectedOptions[0] : null;
  return option ? option.textContent.trim() : "";
}

function setup(root) {
  const svgs = [...root.querySelectorAll("svg[data-view]")];
  const list = root.querySelector("[data-bodymap-list]");
  const template = root.querySelector("template[data-bodymap-row]");
  if (!svgs.length || !list || !template) return;
  const body = list.tBodies && list.tBodies.length ? list.tBodies[0] : list;
  let status = root.querySelector("[data-bodymap-status]");
  if (!status) {
    status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    status.dataset.bodymapStatus = "";
    root.append(status);
  }
  let highlighted = [];

  const rows = () => [...list.querySelectorAll(ROW)];
  const regionElement = (svg, code) =>
    svg.querySelector(`.bodymap-region[data-region="${CSS.escape(code)}"]`);

  function announce(text) {
    status.textContent = "";
    window.setTimeout(() => { status.textContent = text; }, 50);  // repeated text is read again
  }

  function regionLabel(row, code) {
    const fromRow = row ? optionText(field(row, "region")) : "";
    if (fromRow) return fromRow;
    for (const svg of svgs) {
      const title = regionElement(svg, code)?.querySelector("title");
      if (title) return title.textContent;
    }
    return code;
  }

  // Where a row's marker goes: its own x/y, else the centre of its region.
  function placement(row) {
    const view = field(row, "view")?.value || "";
    const x = parseFloat(field(row, "x")?.value);
    const y = parseFloat(field(row, "y")?.value);
    const region = field(row, "region")?.value || "";
    if (view && Number.isFinite(x) && Number.isFinite(y)) {
      const svg = svgs.find((s) => s.dataset.view === view);
      return svg ? { svg, x, y } : null;
    }
    if (!region) return null;
    const svg = svgs.find((s) => (!view || s.dataset.view === view) && regionElement(s, region));
    const el = svg && regionElement(svg, region);
    return el ? { svg, x: parseFloat(el.dataset.cx), y: parseFloat(el.dataset.cy) } : null;
  }

  function layer(svg) {
    let g = svg.querySelector("[data-bodymap-markers]");
    if (!g) {
      g = document.createElementNS(SVG_NS, "g");
      g.setAttribute("class", "bodymap-points");
      g.setAttribute("data-bodymap-markers", "");
      svg.append(g);
    }
    return g;
  }

  function svgElement(name, attrs) {
    const el = document.createElementNS(SVG_NS, name);
    for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, value);
    return el;
  }

  function draw() {
    svgs.forEach((svg) => svg.querySelectorAll(".bodymap-point:not(.faded)").forEach((m) => m.remove()));
    rows().forEach((row, i) => {
      const number = String(i + 1);
      row.querySelectorAll(NUMBER).forEach((el) => { el.textContent = number; });
      const at = placement(row);
      if (!at) return;
      const region = field(row, "region")?.value || "";
      const muscle = optionText(field(row, "muscle"));
      const marker = svgElement("g", { class: "bodymap-point", "data-number": number, "data-region": region });
      if (row.contains(document.activeElement)) marker.classList.add("active");
      const title = svgElement("title", {});
      title.textContent = `Point ${number}${muscle ? `: ${muscle}` : ""}${region ? ` (${regionLabel(row, region)})` : ""}`;
      const text = svgElement("text", {
        x: at.x, y: at.y, "text-anchor": "middle", "dominant-baseline": "central",
        "font-family": "Arial, Helvetica, sans-serif", "font-size": "8.5", "font-weight": "bold", fill: "#ffffff",
      });
      text.textContent = number;
      marker.append(title, svgElement("circle", {
        cx: at.x, cy: at.y, r: 7, fill: "#b3261e", stroke: "#ffffff", "stroke-width": "1.5",
      }), text);
      marker.bodymapRow = row;
      layer(at.svg).append(marker);
    });
  }

  // The muscle's referral zone is shown while its row has focus.
  function highlight(row) {
    highlighted.forEach((el) => el.classList.remove("referral"));
    highlighted = [];
    svgs.forEach((svg) => svg.querySelectorAll(".bodymap-point.active").forEach((m) => m.classList.remove("active")));
    if (!row) return;
    const codes = [...row.querySelectorAll("option[data-referral]:checked")]
      .flatMap((option) => option.dataset.referral.split(/\s+/).filter(Boolean));
    for (const svg of svgs) {
      codes.forEach((code) => {
        const el = regionElement(svg, code);
        if (el && !el.classList.contains("referral")) {
          el.classList.add("referral");
          highlighted.push(el);
        }
      });
      svg.querySelectorAll(".bodymap-point:not(.faded)").forEach((m) => {
        if (m.bodymapRow === row) m.classList.add("active");
      });
    }
  }

  // The client's own side of a point, as clinic/rules/sides.py decides it (the root carries its
  // midline and band): a paired region names it; in a midline region the tapped x does.
  const midlineX = parseFloat(root.dataset.midlineX || "100");
  const midlineBand = parseFloat(root.dataset.midlineBand || "4");
  function sideOf(view, x, region) {
    if (region.endsWith("_l")) return "left";
    if (region.endsWith("_r")) return "right";
    if (!Number.isFinite(x) || !view) return null;  // added from the list: the therapist says
    if (Math.abs(x - midlineX) <= midlineBand) return "midline";
    const viewersLeft = x < midlineX;
    return view === "front" ? (viewersLeft ? "right" : "left") : (viewersLeft ? "left" : "right");
  }

  function setSide(row) {
    const side = field(row, "side");
    const region = field(row, "region")?.value || "";
    if (!side || !region) return;
    const value = sideOf(field(row, "view")?.value || "", parseFloat(field(row, "x")?.value), region);
    if (value) side.value = value;
  }

  // The muscle list of a point starts with the muscles that lie in its region (the catalogue's
  // muscles_for_region, carried on each option as data-lies), then every other muscle.
  function orderMuscles(row) {
    const select = field(row, "muscle");
    if (!select) return;
    if (!select.bodymapOptions) select.bodymapOptions = [...select.querySelectorAll("option")];
    const region = field(row, "region")?.value || "";
    const options = select.bodymapOptions;
    const here = region
      ? options.filter((o) => o.value && (o.dataset.lies || "").split(/\s+/).includes(region))
      : [];
    const chosen = select.value;
    if (!here.length) {
      select.replaceChildren(...options);
    } else {
      const group = (label, items) => {
        const el = document.createElement("optgroup");
        el.label = label;
        el.append(...items);
        return el;
      };
      select.replaceChildren(
        ...options.filter((o) => !o.value),
        group(`In the ${regionLabel(row, region).toLowerCase()}`, here),
        group("Other muscles", options.filter((o) => o.value && !here.includes(o))),
      );
    }
    select.value = chosen;
  }

  // A new point's technique is the one used last: chosen last in this note, else the last point's
  // in the list, else the root's data-last-technique (today's plan's first, else the last visit's).
  let chosenTechnique = "";
  function lastTechnique() {
    if (chosenTechnique) return chosenTechnique;
    const used = rows().map((row) => field(row, "technique")?.value).filter(Boolean);
    return used.length ? used[used.length - 1] : root.dataset.lastTechnique || "";
  }

  function nextIndex() {
    let max = -1;
    list.querySelectorAll("[name]").forEach((el) => {
      const match = /-(\d+)-[^-]+$/.exec(el.name);
      if (match) max = Math.max(max, Number(match[1]));
    });
    return max + 1;
  }

  function addRow(values) {
    const holder = document.createElement("template");
    holder.innerHTML = template.innerHTML.replaceAll("__prefix__", String(nextIndex()));
    const row = holder.content.querySelector(`${ROW}, tr`) || holder.content.firstElementChild;
    if (!row.matches(ROW)) row.setAttribute("data-bodymap-item", "");
    for (const [key, value] of Object.entries(values)) {
      const input = field(row, key);
      if (input) input.value = value;
    }
    setSide(row);
    orderMuscles(row);
    const technique = field(row, "technique");
    if (technique && !technique.value && lastTechnique()) technique.value = lastTechnique();
    body.append(row);
    draw();
    const first = row.querySelector("[data-bodymap-focus]") ||
      [...row.querySelectorAll(FIELD_SELECTOR)].find((el) => !el.disabled && el.getClientRects().length);
    // Focusing would scroll the new row to wherever the browser likes, and the map with it.
    if (first) first.focus({ preventScroll: true });
    reveal(row);
    const number = rows().indexOf(row) + 1;
    announce(values.region
      ? `Point ${number} added: ${regionLabel(row, values.region)}`
      : `Point ${number} added. Choose its region in the list.`);
  }

  // Bring a new row into view without taking the map away: beside the map (landscape) the row may
  // use the whole height; under a map stuck to the top (portrait) it goes just below the map. The
  // sticky save bar at the bottom is kept clear. A row taller than the room shows its top.
  function reveal(row) {
    const figures = root.querySelector(".bodymap-figures");
    const box = row.getBoundingClientRect();
    const map = figures ? figures.getBoundingClientRect() : null;
    const beside = !map || map.right <= box.left || map.left >= box.right;
    // Under the map, the row ends up below where the map sticks, not where it is now.
    const sticky = !beside && getComputedStyle(figures).position === "sticky";
    const under = sticky ? (parseFloat(getComputedStyle(figures).top) || 0) + map.height : map?.bottom;
    const top = (beside ? 0 : under) + 8;
    const bar = root.closest("form")?.querySelector(".sticky-actions");
    const bottom = (bar ? bar.getBoundingClientRect().top : window.innerHeight) - 8;
    let by = 0;
    if (box.top < top) by = box.top - top;
    else if (box.bottom > bottom) by = Math.min(box.bottom - bottom, box.top - top);
    if (by) window.scrollBy({ top: by, left: 0, behavior: "instant" });
  }

  // A tap off the body adds nothing: say so where the eyes are (on the map), not only to a reader.
  let missTimer = 0;
  function missed(svg) {
    let note = root.querySelector("[data-bodymap-miss]");
    if (!note) {
      note = document.createElement("p");
      note.className = "bodymap-miss";
      note.dataset.bodymapMiss = "";
      (root.querySelector(".bodymap-figures") || svg.parentElement).append(note);
    }
    note.textContent = "No point added: that tap was outside the body. Tap inside the outline.";
    note.hidden = false;
    window.clearTimeout(missTimer);
    missTimer = window.setTimeout(() => { note.hidden = true; }, 4000);
    announce(note.textContent);
  }

  function toViewBox(svg, event) {
    const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(svg.getScreenCTM().inverse());
    return { x: Math.round(point.x * 10) / 10, y: Math.round(point.y * 10) / 10 };
  }

  // "click", not "pointerdown": a tap fires it (as a PointerEvent), a scroll or pinch does not.
  svgs.forEach((svg) => svg.addEventListener("click", (event) => {
    const marker = event.target.closest(".bodymap-point:not(.faded)");
    if (marker && marker.bodymapRow) {
      const first = marker.bodymapRow.querySelector(FIELD_SELECTOR);
      if (first) first.focus();
      return;
    }
    const { x, y } = toViewBox(svg, event);
    let region = event.target.closest(".bodymap-region[data-region]")?.dataset.region;
    if (!region) {
      const hit = [...svg.querySelectorAll(".bodymap-region[data-region]")]
        .find((el) => el.isPointInFill && el.isPointInFill(new DOMPoint(x, y)));
      region = hit?.dataset.region;
    }
    if (!region) {
      missed(svg);
      return;
    }
    const note = root.querySelector("[data-bodymap-miss]");
    if (note) note.hidden = true;
    addRow({ view: svg.dataset.view, x, y, region });
  }));

  list.addEventListener("click", (event) => {
    const row = event.target.closest(REMOVE)?.closest(ROW);
    if (!row) return;
    event.preventDefault();
    const all = rows();
    const index = all.indexOf(row);
    const next = all[index + 1] || all[index - 1];
    row.remove();
    highlight(null);
    draw();
    announce(`Point ${index + 1} removed.${all.length > 1 ? " Points renumbered." : ""}`);
    const target = next?.querySelector(REMOVE) || root.querySelector("[data-bodymap-add]");
    if (target) target.focus();
  });
  list.addEventListener("change", (event) => {
    const row = event.target.closest(ROW);
    if (!row) return;
    if (event.target === field(row, "region")) {
      setSide(row);
      orderMuscles(row);
    }
    if (event.target === field(row, "technique") && event.target.value) chosenTechnique = event.target.value;
    draw();
    if (row.contains(document.activeElement)) highlight(row);
  });
  list.addEventListener("focusin", (event) => highlight(event.target.closest(ROW)));
  list.addEventListener("focusout", (event) => {
    const row = event.target.closest(ROW);
    if (!row || !row.contains(event.relatedTarget)) highlight(null);
  });
  root.querySelector("[data-bodymap-add]")?.addEventListener("click", (event) => {
    event.preventDefault();
    addRow({});
  });
  rows().forEach(orderMuscles);
  draw();
}

document.querySelectorAll("[data-bodymap]").forEach(setup);
