// A <select data-autosubmit> submits its form when changed (the sort and status filters).
// An event listener in a file, not an onchange attribute: the Content-Security-Policy
// runs no inline script.
document.addEventListener("change", (event) => {
  const field = event.target;
  if (field instanceof HTMLSelectElement && field.hasAttribute("data-autosubmit") && field.form) {
    field.form.submit();
  }
});
