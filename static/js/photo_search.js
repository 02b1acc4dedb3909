// Search by photo: a photo chosen in the picker (on a phone, the camera or the library) or
// dropped on the page is shown and sent at once; the server answers with the catalog page of
// the products that look like it. Without this script the form still works (choose, Search).
(function () {
  "use strict";
  const form = document.getElementById("photo-search-form");
  if (!form) return;
  const input = form.querySelector('input[type="file"]');
  const zone = form.querySelector("[data-test=photo-drop]");
  const preview = form.querySelector("[data-test=photo-preview]");

  function send() {
    if (!input.files.length) return;
    const reader = new FileReader(); // a data: URL: the Content-Security-Policy allows no blob: images
    reader.onload = () => { preview.src = reader.result; preview.classList.remove("d-none"); };
    reader.readAsDataURL(input.files[0]);
    zone.classList.add("busy");
    form.requestSubmit();
  }
  input.addEventListener("change", send);
  // Dropping anywhere on the page, not just on the zone: a near miss must not open the file.
  for (const name of ["dragenter", "dragover"]) {
    document.addEventListener(name, (event) => { event.preventDefault(); zone.classList.add("dragging"); });
  }
  document.addEventListener("dragleave", (event) => {
    if (!event.relatedTarget) zone.classList.remove("dragging");
  });
  document.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) return;
    const chosen = new DataTransfer();
    chosen.items.add(files[0]);
    input.files = chosen.files;
    send();
  });
})();
