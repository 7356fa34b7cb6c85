// The treatment note form: problems come before "Sign and lock?", and nothing typed is lost by leaving.
// Plain ES module (the CSP forbids inline script). Page contract (templates/visits/edit.html):
//   <form id="note-form" data-check-url="..." [data-unsaved]>   data-unsaved: the page holds typed
//       text the server has not stored (a refused save), so leaving asks first
//   <div data-note-problems tabindex="-1">   the list of problems, focused when the page opens
//   <button name="sign" data-sign-confirm="question">   asks the question only when the note can be signed
//   <input type="checkbox" data-reason-share="N">   "same reason for all": while ticked, the reason fields
//       marked data-reason-follows="N" are hidden (the server gives them item N's reason) and the
//       notes marked data-reason-shared="N" say so

const form = document.getElementById("note-form");

if (form) {
  document.querySelector("[data-note-problems]")?.focus();

  const showShared = (box) => {
    const leader = box.dataset.reasonShare;
    form.querySelectorAll(`[data-reason-follows="${leader}"]`).forEach((field) => {
      field.hidden = box.checked && !field.querySelector(".error");  // a problem stays in view
    });
    form.querySelectorAll(`[data-reason-shared="${leader}"]`).forEach((note) => { note.hidden = !box.checked; });
  };
  form.querySelectorAll("[data-reason-share]").forEach(showShared);
  form.addEventListener("change", (event) => {
    if (event.target.matches("[data-reason-share]")) showShared(event.target);
  });

  let unsaved = form.hasAttribute("data-unsaved");
  const mark = () => { unsaved = true; };
  form.addEventListener("input", mark);
  form.addEventListener("change", mark);
  form.addEventListener("click", (event) => {
    if (event.target.closest("[data-bodymap] svg, [data-point-remove], [data-bodymap-add]")) mark();
  });
  form.addEventListener("submit", () => { unsaved = false; });
  window.addEventListener("beforeunload", (event) => {
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers need it to ask
  });

  // Check first, then ask: a note that cannot be signed goes straight to its list of problems
  // (the signing request lists them all); one that can is confirmed before it is locked.
  form.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-sign-confirm]");
    if (!button) return;
    event.preventDefault();
    if (form.dataset.sending) return;
    let signable = null;  // unknown if the check itself fails: then ask, as before
    try {
      const response = await fetch(form.dataset.checkUrl, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
      });
      if (response.ok) signable = (await response.json()).ok;
    } catch {
      signable = null;
    }
    if (signable !== false && !window.confirm(button.dataset.signConfirm)) return;
    unsaved = false;
    form.requestSubmit(button);
  });
}
