// Small progressive enhancements shared by every page. No inline scripts: the CSP forbids them.

// Buttons with data-confirm ask before their form is sent (deactivations, cancellations).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// Forms send once: a double tap on a tablet must not submit twice.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.method.toLowerCase() !== "post") return;
  if (form.dataset.sending) {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "1";
  setTimeout(() => delete form.dataset.sending, 4000);
});
