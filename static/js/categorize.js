// Live categorization for the listing form. As the seller types a name (and description), or
// as soon as they choose a photo, ask the API for gender, category, colour and usage, and show
// each answer under its field:
// - a suggestion the model is sure of (confidence >= the form's threshold) is filled in,
//   once the name has two words, or at once when a photo backs it (the photo is evidence
//   before a word is typed; the name then refines it, every prediction sending both);
// - below the threshold the field is left empty and its top 3 are offered as one-click
//   choices, so that a guess is never saved without the seller choosing it;
// - a field the seller set (by hand, by a click on a choice, or before this page loaded, as
//   on an edit form or a form sent back with errors) is never overwritten.
(function () {
  "use strict";
  const form = document.getElementById("product-form");
  if (!form) return;
  const api = form.dataset.predictUrl;
  const threshold = parseFloat(form.dataset.threshold || "0.6");
  const name = form.querySelector("#id_name");
  const description = form.querySelector("#id_description");
  const panel = document.getElementById("suggestions");
  const photoInput = form.querySelector("#id_photo");
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]");
  // The summary sits under the name field, so the field being typed in never moves.
  name.closest(".mb-3").after(panel);

  // The category fields, by the level the API answers for each (set by the form: data-level).
  const fields = {};
  for (const select of form.querySelectorAll("select[data-level]")) fields[select.dataset.level] = select;
  const hints = {};
  for (const [level, select] of Object.entries(fields)) {
    if (!select) continue;
    // The saved listing's values, and everything on a form sent back (even a field the
    // seller emptied on purpose), are the seller's.
    if (select.value || form.dataset.sentBack) select.dataset.touched = "1";
    // Setting .value from this script fires no "change": any change event is the seller's own.
    select.addEventListener("change", () => { select.dataset.touched = "1"; refresh(); });
    const hint = document.createElement("div");
    hint.className = "form-text";
    hint.dataset.test = `hint-${level}`;
    select.closest(".mb-3").append(hint);
    hints[level] = hint;
  }

  function words() { return name.value.trim().split(/\s+/).filter(Boolean).length; }
  function pct(x) { return `${Math.round(x * 100)}%`; }
  function optionFor(select, matches) {
    return Array.from(select.options).find((o) => o.value && matches(o.text.trim(), o.value));
  }
  // How a level's label names an option of its select (the form says which: data-match).
  const matchers = {
    text: (p, label) => (text) => text === label,
    value: (p, label) => (text, value) => value === label,
    path: (p, label) => (text) => text === `${p.masterCategory.label} / ${p.subCategory.label} / ${label}`,
  };
  function lookup(level, p, label) {
    const select = fields[level];
    const match = select.dataset.match;
    return optionFor(select, matchers[match](p, label))
      || (match === "path" ? optionFor(select, (text) => text.endsWith(` / ${label}`)) : undefined);
  }

  function chip(select, option, text) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary btn-sm suggestion-choice";
    button.textContent = text;
    button.dataset.test = "alternative";
    button.dataset.value = option.value;
    button.addEventListener("click", () => {
      select.value = option.value;
      select.dataset.touched = "1";
      refresh();
    });
    return button;
  }

  function showLevel(level, p) {
    const select = fields[level];
    if (!select) return true;
    const hint = hints[level];
    const answer = p[level];
    const best = lookup(level, p, answer.label);
    // One word ("black", "kurta") is too little to fill a field with: its answers change
    // with the next word. They are offered as choices until the name has two words.
    const likely = answer.confidence >= threshold;
    const sure = likely && (words() >= 2 || p.fromPhoto);
    hint.replaceChildren();
    hint.className = "form-text";
    // The exact value compared with the threshold (a rounded 0.600 may be 0.5996: not sure).
    hint.dataset.confidence = String(answer.confidence);
    select.classList.remove("border-success", "border-warning");
    if (select.dataset.touched) {
      if (!select.value) { // the seller left it empty: offer, never fill
        offer(level, p, answer, likely);
        return true;
      }
      // Point at a different value only when the model is sure of it: an unsure answer the
      // seller has already decided on is not worth a second look.
      if (best && sure && select.value !== best.value) {
        hint.append(`We would suggest ${answer.label} (${pct(answer.confidence)}) `);
        hint.append(chip(select, best, `Use ${answer.label}`));
      } else if (select.value) {
        hint.textContent = "Your choice";
      }
      return true;
    }
    if (sure && best) {
      select.value = best.value;
      select.classList.add("border-success");
      hint.classList.add("text-success");
      hint.textContent = `Suggested, ${pct(answer.confidence)} sure`;
      return true;
    }
    select.value = "";
    select.classList.add("border-warning");
    offer(level, p, answer, likely);
    return false;
  }

  function offer(level, p, answer, likely) {
    const hint = hints[level];
    hint.classList.add("text-warning-emphasis");
    hint.append(likely ? `Likely (${pct(answer.confidence)}): choose to confirm `
      : `Not sure (${pct(answer.confidence)}): choose one `);
    for (const alt of answer.top3) {
      const option = lookup(level, p, alt.label);
      if (option) hint.append(chip(fields[level], option, `${alt.label} ${pct(alt.confidence)}`));
    }
  }

  let prediction = null;
  function refresh() {
    if (!prediction) return;
    const p = prediction;
    const unsure = Object.keys(fields).filter((level) => !showLevel(level, p));
    // Why the category: one small line under the article type (the API's "reason").
    if (p.reason && hints.articleType) {
      const why = document.createElement("div");
      why.className = "small text-muted";
      why.dataset.test = "category-reason";
      why.textContent = `Why: ${p.reason}`;
      hints.articleType.append(why);
    }
    panel.replaceChildren();
    const title = document.createElement("div");
    title.className = "fw-semibold";
    const path = `${p.gender.label} · ${p.masterCategory.label} / ${p.subCategory.label} / ${p.articleType.label}`;
    const source = p.fromPhoto ? (words() ? " from the name and photo" : " from the photo") : "";
    title.textContent = p.confidence >= threshold
      ? `Suggested${source}: ${path} (${pct(p.confidence)} sure)`
      : `Best guess${source}: ${path} (only ${pct(p.confidence)} sure)`;
    panel.dataset.source = p.fromPhoto ? "photo" : "name";
    panel.append(title);
    if (unsure.length) {
      const note = document.createElement("div");
      note.className = "small text-warning-emphasis";
      note.textContent = "Not sure of everything: choose the highlighted fields below.";
      panel.append(note);
    }
    panel.classList.remove("d-none");
    panel.dataset.modelVersion = p.model_version;
  }

  let timer = null;
  let latest = 0;
  function forget() {
    // No name, no suggestions: the hints and summary of a name since erased would mislead.
    prediction = null;
    ++latest; // an answer still on its way is for the old name
    panel.classList.add("d-none");
    for (const [level, hint] of Object.entries(hints)) {
      hint.replaceChildren();
      fields[level].classList.remove("border-success", "border-warning");
    }
  }
  // The chosen photo, shrunk in the browser (the model looks at a small picture; a phone's
  // photo is megabytes), sent with every prediction until another is chosen.
  let photo = null;
  let photoUnavailable = false; // the shop has no photo model yet: names only
  const photoHint = document.createElement("div");
  photoHint.className = "form-text";
  photoHint.dataset.test = "photo-hint";
  if (photoInput) photoInput.closest(".mb-3").append(photoHint);

  function ask(text, withPhoto) {
    const options = { headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (!withPhoto) {
      const query = new URLSearchParams({ name: text, description: description ? description.value : "" });
      return fetch(`${api}?${query}`, options);
    }
    const body = new FormData();
    body.append("image", photo, "photo.jpg");
    body.append("name", text);
    body.append("description", description ? description.value : "");
    options.headers["X-CSRFToken"] = csrf ? csrf.value : "";
    return fetch(api, { ...options, method: "POST", body });
  }
  function predict() {
    const typed = name.value.trim();
    const text = typed.length >= 3 ? typed : "";
    const withPhoto = Boolean(photo) && !photoUnavailable;
    if (!text && !withPhoto) { forget(); return; }
    const ticket = ++latest;
    ask(text, withPhoto)
      .then((r) => {
        if (withPhoto && !r.ok) return photoRefused(r, ticket);
        return r.ok ? r.json() : null;
      })
      .then((p) => {
        if (p && ticket === latest) { p.fromPhoto = withPhoto; prediction = p; refresh(); }
      })
      .catch(() => {});
  }
  // A photo the API could not use: say why under the photo field, and go on with the name.
  function photoRefused(response, ticket) {
    return response.json().catch(() => ({})).then((body) => {
      if (ticket !== latest) return null;
      if (response.status === 400) {
        photo = null;
        const reasons = body.image || body.detail || ["We cannot read this photo."];
        photoHint.className = "form-text text-danger";
        photoHint.textContent = Array.isArray(reasons) ? reasons.join(" ") : String(reasons);
      } else {
        photoUnavailable = true;
        photoHint.className = "form-text";
        photoHint.textContent = "Suggestions from the photo are not available yet: type the name.";
      }
      predict();
      return null;
    });
  }
  const PHOTO_SIDE = 320; // px, the longer side of the copy sent (the stored photo is the original)
  function shrink(file) {
    if (!window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file).then((bitmap) => {
      const scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      const context = canvas.getContext("2d");
      context.fillStyle = "#fff"; // a transparent PNG on white, as product photos are
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob || file), "image/jpeg", 0.9));
    }).catch(() => file); // not a picture the browser reads: the server says why
  }
  // A file that is not a photo we take is refused as soon as it is chosen (the form's own
  // rules: its accept list and data-max-bytes), not only when Save sends it back.
  function readable(file) {
    if (!window.createImageBitmap) return Promise.resolve(true);
    return createImageBitmap(file).then((bitmap) => { bitmap.close(); return true; }, () => false);
  }
  function photoProblem(file) {
    const accepted = (photoInput.accept || "").split(",").filter(Boolean);
    const maxBytes = parseInt(photoInput.dataset.maxBytes || "0", 10);
    if (accepted.length && !accepted.includes(file.type)) {
      return Promise.resolve(`${file.name} is not a photo: choose a JPEG, PNG or WebP picture.`);
    }
    if (maxBytes && file.size > maxBytes) {
      return Promise.resolve(`${file.name} is larger than ${Math.round(maxBytes / 1048576)} MB: choose a smaller photo.`);
    }
    return readable(file).then((ok) => (ok ? "" : `${file.name} is not a photo we can read: choose another photo.`));
  }
  function photoChecked(problem) {
    photoInput.setCustomValidity(problem); // Save is held back, with the same message
    photoInput.classList.toggle("is-invalid", Boolean(problem));
    photoHint.className = problem ? "form-text text-danger" : "form-text";
    photoHint.textContent = problem;
  }
  if (photoInput) {
    photoInput.addEventListener("change", () => {
      photoChecked("");
      const file = photoInput.files[0];
      if (!file) { photo = null; predict(); return; }
      photoProblem(file).then((problem) => {
        if (problem) { photoChecked(problem); photo = null; predict(); return; }
        shrink(file).then((shrunk) => { photo = shrunk; predict(); });
      });
    });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(predict, 300);
  }
  name.addEventListener("input", schedule);
  if (description) description.addEventListener("input", schedule);
  predict(); // an edit form, or a form sent back with errors: show what the model thinks
})();
