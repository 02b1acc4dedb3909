// Checkout: the new-address fields are shown only while "A new address" is chosen, so that on
// a phone a saved address is not followed by a screenful of empty fields. Without this script
// every field stays visible (and a saved address still wins on the server).
(function () {
  "use strict";
  const block = document.getElementById("new-address");
  const radios = document.querySelectorAll('input[name="saved_address"]');
  if (!block || !radios.length) return;
  const newValue = block.dataset.newValue || "";
  function sync() {
    const chosen = document.querySelector('input[name="saved_address"]:checked');
    block.hidden = Boolean(chosen) && chosen.value !== newValue;
  }
  for (const radio of radios) radio.addEventListener("change", sync);
  sync();
})();
