// Plan today's session: add and remove rows, keep leg-massager regions sensible, and screen the plan
// live through /api/screening as the rows change. Without this script the form still works: "Add item"
// and "Check plan" post it to the server, which answers with the same results.

const DEBOUNCE_MS = 300;

const form = document.getElementById("session-plan");
if (form) init(form);

function init(form) {
  const base = JSON.parse(document.getElementById("plan-base").textContent);
  const labels = JSON.parse(document.getElementById("plan-labels").textContent);
  const panel = form.closest(".plan-panel");
  const rowsBox = form.querySelector("[data-rows]");
  const session = document.querySelector("[data-session]");
  const status = document.querySelector("[data-status]");
  const token = form.querySelector('input[name="csrf_token"]')?.value || "";
  const legGroups = new Set(labels.leg_groups);
  let timer = null;
  let controller = null;
  let sequence = 0;
  let lastSummary = session.textContent.trim();

  const rows = () => Array.from(rowsBox.querySelectorAll("[data-row]"));
  const select = (row, kind) => row.querySelector(`select[data-kind="${kind}"]`);

  // Enhanced: rows are removed with their button, so the no-JS hint goes.
  form.querySelector("[data-nojs-hint]")?.remove();

  function renumber() {
    rows().forEach((row, index) => {
      row.querySelector("[data-number]").textContent = String(index + 1);
      const hidden = row.querySelector("[data-remove] .visually-hidden");
      if (hidden) hidden.textContent = ` item ${index + 1}`;
      row.querySelectorAll("[name], [id], label[for], [aria-describedby]").forEach((element) => {
        for (const attribute of ["name", "id", "for", "aria-describedby"]) {
          const value = element.getAttribute(attribute);
          if (value) element.setAttribute(attribute, value.replace(/^plan-\d+-/, `plan-${index}-`));
        }
      });
    });
    const many = rows().length > 1;
    rows().forEach((row) => {
      row.querySelector("[data-remove]").hidden = !many;
    });
  }

  // The leg massager takes a whole leg; every other technique takes one region.
  function fitRegions(row) {
    const whole = select(row, "technique").value === labels.whole_leg;
    const region = select(row, "region");
    for (const option of region.options) {
      if (!option.value) continue;
      option.disabled = whole !== legGroups.has(option.value);
    }
    if (region.selectedOptions[0]?.disabled) region.value = "";
  }

  function clearErrors(row) {
    row.querySelectorAll(".error").forEach((error) => error.remove());
    row.querySelectorAll(".has-error").forEach((field) => field.classList.remove("has-error"));
    row.querySelectorAll("[aria-invalid]").forEach((element) => element.removeAttribute("aria-invalid"));
    row.querySelectorAll("select").forEach((element) => element.removeAttribute("aria-describedby"));
  }

  function addRow() {
    const template = rows()[0];
    const row = template.cloneNode(true);
    row.querySelectorAll("select").forEach((element) => {
      element.value = "";
    });
    clearErrors(row);
    row.querySelector("[data-result]").replaceChildren();
    rowsBox.append(row);
    renumber();
    fitRegions(row);
    select(row, "technique").focus();
    schedule();
  }

  function removeRow(row) {
    const all = rows();
    const index = all.indexOf(row);
    row.remove();
    renumber();
    const next = rows()[Math.min(index, rows().length - 1)];
    select(next, "technique").focus();
    schedule();
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function badge(verdict) {
    return element("span", `badge ${verdict}`, labels.verdicts[verdict].label);
  }

  // The same markup as templates/screening/_macros.html item_result.
  function renderItem(box, item) {
    const head = element("p", "plan-verdict");
    head.append(badge(item.verdict));
    if (!item.findings.length) head.append(" ", element("span", "hint", "No findings."));
    const nodes = [head];
    if (item.findings.length) {
      const list = element("ul", "findings");
      for (const finding of item.findings) {
        const li = element("li", `finding cat-${finding.category}`);
        const title = element("span", "finding-head");
        title.append(element("span", "cat", labels.categories[finding.category] || finding.category));
        title.append(element("strong", "", labels.conditions[finding.condition] || finding.condition));
        if (finding.region) title.append(` · ${labels.regions[finding.region] || finding.region}`);
        li.append(title, element("span", "finding-message", finding.message));
        li.append(element("small", "finding-source", `Source: ${finding.source}`));
        list.append(li);
      }
      nodes.push(list);
    }
    box.replaceChildren(...nodes);
  }

  function renderSession(result) {
    const nodes = [];
    if (result) {
      const line = element("p");
      line.append(element("strong", "", "Session:"), " ", badge(result.verdict), ` ${labels.verdicts[result.verdict].text}`);
      nodes.push(line, element("p", "hint", `Rules version ${result.rules_version}.`));
    } else {
      nodes.push(element("p", "hint", "Choose a technique and a region to screen the plan."));
    }
    // aria-live announces a change: only replace the text when it says something new.
    const summary = nodes.map((node) => node.textContent).join(" ");
    if (summary !== lastSummary) {
      session.replaceChildren(...nodes);
      lastSummary = summary;
    }
  }

  function showStatus(message) {
    status.textContent = message || "";
    status.hidden = !message;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(check, DEBOUNCE_MS);
  }

  async function check() {
    clearTimeout(timer);
    const all = rows();
    const complete = [];
    all.forEach((row, index) => {
      const technique = select(row, "technique").value;
      const region = select(row, "region").value;
      if (technique && region) complete.push({ index, technique, region });
      else row.querySelector("[data-result]").replaceChildren();
    });
    if (!complete.length) {
      renderSession(null);
      showStatus("");
      return;
    }
    const mine = ++sequence;
    controller?.abort();
    controller = new AbortController();
    panel.classList.add("busy");
    try {
      const response = await fetch(form.dataset.api, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token, Accept: "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({ ...base, plan: complete.map(({ technique, region }) => ({ technique, region })) }),
        signal: controller.signal,
      });
      if (mine !== sequence) return;
      const data = await response.json().catch(() => ({}));
      if (!response.ok) {
        const message =
          response.status === 401 || response.status === 403
            ? "Your session has ended or your role cannot screen: reload the page."
            : data.error || "The plan could not be checked.";
        const match = /^plan\[(\d+)\]/.exec(data.error || "");
        const row = match ? all[complete[Number(match[1])]?.index] : null;
        showStatus(row ? `Item ${all.indexOf(row) + 1}: ${message}` : message);
        return;
      }
      showStatus("");
      complete.forEach(({ index }, position) => {
        clearErrors(all[index]);
        renderItem(all[index].querySelector("[data-result]"), data.items[position]);
      });
      renderSession(data);
    } catch (error) {
      if (error.name !== "AbortError") showStatus("The plan could not be checked: use “Check plan” to try again.");
    } finally {
      if (mine === sequence) panel.classList.remove("busy");
    }
  }

  form.addEventListener("change", (event) => {
    const row = event.target.closest("[data-row]");
    if (!row) return;
    if (event.target.dataset.kind === "technique") fitRegions(row);
    schedule();
  });
  form.addEventListener("click", (event) => {
    const remove = event.target.closest("[data-remove]");
    if (remove) {
      event.preventDefault();
      removeRow(remove.closest("[data-row]"));
    } else if (event.target.closest("[data-add]")) {
      event.preventDefault();
      addRow();
    }
  });
  // "Check plan" screens at once instead of leaving the page; a button with its own formaction
  // ("Start a visit with this plan") still sends the form.
  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.hasAttribute("formaction")) return;
    event.preventDefault();
    check();
  });

  rows().forEach(fitRegions);
  renumber();
  if (rows().some((row) => select(row, "technique").value && select(row, "region").value)) check();
}
