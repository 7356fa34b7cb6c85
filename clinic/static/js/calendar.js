// Calendar enhancements. Everything works without this file: it only makes the keyboard and the client
// picker quicker. No inline scripts (the CSP forbids them).

const fold = (text) => text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

// --- The grid: one tab stop, arrow keys move between times and appointments --------------------------
// Where each link sits (column, first row, row after its last) is read from the table's own layout, the
// way a browser places cells with rowspans, so the server sends no position attributes per cell.
function gridCells(table) {
  const cells = [];
  const freeFrom = []; // per column: the first row not covered by a cell above
  [...table.tBodies[0].rows].forEach((tr, row) => {
    let col = 0;
    for (const td of tr.cells) {
      // the time column on the left (its labels, and the empty cell in each other row) is not a column of the grid
      if (td.tagName !== "TD" || td.classList.contains("cal-time")) continue;
      while ((freeFrom[col] || 0) > row) col += 1;
      freeFrom[col] = row + td.rowSpan;
      const link = td.querySelector("a.slot, a.appt");
      if (link) cells.push({ link, col, row, end: row + td.rowSpan });
      col += 1;
    }
  });
  return cells;
}

function setUpGrid(wrap) {
  const table = wrap.querySelector("table.cal");
  const cells = table && table.tBodies.length ? gridCells(table) : [];
  if (!cells.length) return;
  const byLink = new Map(cells.map((cell) => [cell.link, cell]));
  const nowRow = wrap.dataset.nowRow === "" ? null : Number(wrap.dataset.nowRow);

  // The tab stop: the first free time from now on, else the first link.
  let current = cells.find((c) => c.link.classList.contains("slot") && (nowRow === null || c.row >= nowRow)) || cells[0];
  const roam = (cell) => {
    current.link.tabIndex = -1;
    current = cell;
    current.link.tabIndex = 0;
  };
  cells.forEach((cell) => { cell.link.tabIndex = -1; });
  current.link.tabIndex = 0;
  wrap.addEventListener("focusin", (event) => {
    const cell = byLink.get(event.target);
    if (cell) roam(cell);
  });

  const inCol = (col) => cells.filter((c) => c.col === col);
  const move = (cell, key) => {
    if (key === "ArrowDown") return inCol(cell.col).find((c) => c.row >= cell.end);
    if (key === "ArrowUp") return inCol(cell.col).filter((c) => c.end <= cell.row).pop();
    const col = cell.col + (key === "ArrowRight" ? 1 : -1);
    const row = cell.row;
    return inCol(col).find((c) => c.row <= row && row < c.end) || inCol(col).find((c) => c.row >= row);
  };
  wrap.addEventListener("keydown", (event) => {
    const cell = byLink.get(event.target);
    if (!cell) return;
    let target = null;
    if (["ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight"].includes(event.key)) target = move(cell, event.key);
    else if (event.key === "Home") target = inCol(cell.col)[0];
    else if (event.key === "End") target = inCol(cell.col).pop();
    else return;
    event.preventDefault();
    if (target) {
      roam(target);
      target.link.focus();
      target.link.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  });

  // Open on the present: scroll so "now" (or the first appointment) is near the top.
  const anchor = window.location.hash ? document.querySelector(window.location.hash) : null;
  const rowEl = nowRow !== null ? wrap.querySelectorAll("tbody tr")[Math.max(nowRow - 6, 0)] : null;
  const target = anchor || rowEl;
  if (target) {
    const top = target.getBoundingClientRect().top - wrap.getBoundingClientRect().top + wrap.scrollTop;
    wrap.scrollTop = Math.max(top - 48, 0);
    if (anchor) anchor.focus({ preventScroll: true });
  }
}

// --- The client picker: typing narrows the list; arrow down goes into it -----------------------------
function setUpPicker(input) {
  const select = document.getElementById(input.dataset.clientFilter);
  if (!select) return;
  const original = [...select.options].map((option) => ({
    value: option.value,
    label: option.textContent,
    group: option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "",
    key: fold(option.textContent),
  }));
  const status = document.createElement("p");
  status.className = "hint";
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  select.insertAdjacentElement("afterend", status);

  const render = (items) => {
    const chosen = select.value;
    select.replaceChildren();
    const seen = new Set();
    let group = null;
    for (const item of items) {
      if (seen.has(item.value)) continue; // a client can be in "Recent" and in A to Z
      seen.add(item.value);
      if (!group || group.label !== item.group) {
        group = document.createElement("optgroup");
        group.label = item.group;
        select.append(group);
      }
      const option = new Option(item.label, item.value, false, item.value === chosen);
      group.append(option);
    }
    if (seen.size === 1) select.selectedIndex = 0;
    return seen.size;
  };

  input.addEventListener("input", () => {
    const words = fold(input.value).split(/\s+/).filter(Boolean);
    const matches = original.filter((item) => words.every((word) => item.key.includes(word)));
    const count = render(matches);
    status.textContent = words.length
      ? count ? `${count} client${count === 1 ? "" : "s"} in the list match.` : "None in the list: press Enter to search every client."
      : "";
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && select.options.length) {
      event.preventDefault();
      if (select.selectedIndex < 0) select.selectedIndex = 0;
      select.focus();
    } else if (event.key === "Enter" && input.value.trim() && select.options.length) {
      // There are matches here already: take the first and move on instead of reloading the page.
      event.preventDefault();
      if (select.selectedIndex < 0) select.selectedIndex = 0;
      select.focus();
    }
  });

  // A search through every client reloads this page: carry what was chosen so far along with it.
  const search = input.form;
  const booking = document.getElementById("booking-form");
  if (search && booking) {
    search.addEventListener("submit", () => {
      for (const name of ["therapist", "service", "date", "time"]) {
        const source = booking.elements[name];
        if (!source || !source.value) continue;
        let hidden = search.querySelector(`input[type=hidden][name="${name}"]`);
        if (!hidden) {
          hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = name;
          search.append(hidden);
        }
        hidden.value = source.value;
      }
    });
  }
}

// --- Small things -----------------------------------------------------------------------------------
for (const field of document.querySelectorAll("[data-select-on-focus]")) {
  field.addEventListener("focus", () => field.select());
}
document.querySelectorAll(".cal-wrap").forEach(setUpGrid);
document.querySelectorAll("input[data-client-filter]").forEach(setUpPicker);
