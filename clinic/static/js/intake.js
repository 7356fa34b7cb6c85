// The intake questionnaire: a ticked condition shows its details; region pickers say what is chosen;
// the link page copies the link. Without JavaScript every detail field is simply visible.

function setUpCondition(row) {
  const box = row.querySelector('input[name="condition"]');
  const attrs = row.querySelector("[data-attrs]");
  if (!box || !attrs) return;
  const sync = (opening) => {
    attrs.hidden = !box.checked;
    row.classList.toggle("is-checked", box.checked);
    if (opening && box.checked) {
      const picker = attrs.querySelector("details[data-regions]");
      if (picker && !picker.querySelector("input:checked")) picker.open = true;
    }
  };
  box.addEventListener("change", () => sync(true));
  sync(false);
}

function setUpPicker(picker) {
  const chosen = picker.querySelector("[data-chosen]");
  if (!chosen) return;
  const update = () => {
    const names = [...picker.querySelectorAll("input:checked")].map(
      (input) => input.getAttribute("aria-label") || input.closest("label").textContent.trim(),
    );
    chosen.textContent = names.length ? names.join("; ") : chosen.dataset.empty;
    picker.classList.toggle("has-choice", names.length > 0);
  };
  picker.addEventListener("change", update);
  update();
}

function setUpCopy(button) {
  const input = document.getElementById(button.dataset.copy);
  const status = document.querySelector("[data-copy-status]");
  if (!input) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    input.select();
    let copied = false;
    try {
      await navigator.clipboard.writeText(input.value);
      copied = true;
    } catch {
      copied = document.execCommand && document.execCommand("copy");
    }
    if (status) status.textContent = copied ? "Copied. Paste it into a message to the client." : "Select the link and copy it.";
    button.textContent = copied ? "Copied" : "Copy";
  });
}

for (const form of document.querySelectorAll("form[data-intake]")) {
  form.classList.add("js");
  form.querySelectorAll("[data-condition]").forEach(setUpCondition);
  form.querySelectorAll("details[data-regions]").forEach(setUpPicker);
}
document.querySelectorAll("[data-copy]").forEach(setUpCopy);
document.querySelectorAll("[data-select-all]").forEach((input) => {
  input.addEventListener("focus", () => input.select());
});
