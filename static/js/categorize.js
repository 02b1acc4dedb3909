// Live categorization for the listing form: as the seller types a name (and description),
// ask the API and pre-fill gender, category, colour and usage. A field the seller changed
// by hand is never overwritten; a low-confidence level offers its top-3 as one-click choices.
(function () {
  "use strict";
  const form = document.getElementById("product-form");
  if (!form) return;
  const api = form.dataset.predictUrl;
  const threshold = parseFloat(form.dataset.threshold || "0.6");
  const name = form.querySelector("#id_name");
  const description = form.querySelector("#id_description");
  const panel = document.getElementById("suggestions");
  const fields = {
    gender: form.querySelector("#id_gender"),
    articleType: form.querySelector("#id_article_type"),
    baseColour: form.querySelector("#id_base_colour"),
    usage: form.querySelector("#id_usage"),
  };
  // Setting .value from this script fires no "change": any change event is the seller's own.
  Object.values(fields).forEach((select) => {
    if (select) select.addEventListener("change", () => { select.dataset.touched = "1"; });
  });

  function optionFor(select, matches) {
    return Array.from(select.options).find((o) => matches(o.text.trim(), o.value));
  }
  function choose(select, option, byHand) {
    if (!select || !option) return false;
    if (select.dataset.touched && !byHand) return false;
    select.value = option.value;
    if (byHand) select.dataset.touched = "1";
    select.classList.add("border-success");
    return true;
  }
  function pathOption(master, sub, article) {
    return optionFor(fields.articleType, (text) => text === `${master} / ${sub} / ${article}`)
      || optionFor(fields.articleType, (text) => text.endsWith(` / ${article}`));
  }
  function pct(x) { return `${Math.round(x * 100)}%`; }

  function render(p) {
    choose(fields.gender, optionFor(fields.gender, (t) => t === p.gender.label));
    choose(fields.articleType, pathOption(p.masterCategory.label, p.subCategory.label, p.articleType.label));
    choose(fields.baseColour, optionFor(fields.baseColour, (t, v) => v === p.baseColour.label));
    choose(fields.usage, optionFor(fields.usage, (t, v) => v === p.usage.label));
    const levels = [
      ["Gender", p.gender, (label) => choose(fields.gender, optionFor(fields.gender, (t) => t === label), true)],
      ["Subcategory", p.subCategory, null],
      ["Article type", p.articleType, (label) => choose(fields.articleType, pathOption(p.masterCategory.label, p.subCategory.label, label), true)],
      ["Colour", p.baseColour, (label) => choose(fields.baseColour, optionFor(fields.baseColour, (t, v) => v === label), true)],
      ["Usage", p.usage, (label) => choose(fields.usage, optionFor(fields.usage, (t, v) => v === label), true)],
    ];
    panel.replaceChildren();
    const title = document.createElement("div");
    title.className = "fw-semibold mb-1";
    title.textContent = `Suggested: ${p.gender.label} · ${p.masterCategory.label} / ${p.subCategory.label} / ${p.articleType.label}`;
    panel.append(title);
    for (const [label, level, pick] of levels) {
      const row = document.createElement("div");
      row.className = "small";
      row.dataset.level = label;
      row.textContent = `${label}: ${level.label} (${pct(level.confidence)}) `;
      if (pick && level.confidence < threshold) {
        row.classList.add("text-warning-emphasis");
        for (const alt of level.top3) {
          const button = document.createElement("button");
          button.type = "button";
          button.className = "btn btn-outline-secondary btn-sm py-0 me-1";
          button.textContent = `${alt.label} ${pct(alt.confidence)}`;
          button.dataset.test = "alternative";
          button.addEventListener("click", () => pick(alt.label));
          row.append(button);
        }
      }
      panel.append(row);
    }
    panel.classList.remove("d-none");
    panel.dataset.modelVersion = p.model_version;
  }

  let timer = null;
  let latest = 0;
  function predict() {
    const text = name.value.trim();
    if (text.length < 3) return;
    const ticket = ++latest;
    const query = new URLSearchParams({ name: text, description: description ? description.value : "" });
    fetch(`${api}?${query}`, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : null))
      .then((p) => { if (p && ticket === latest) render(p); })
      .catch(() => {});
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(predict, 300);
  }
  name.addEventListener("input", schedule);
  if (description) description.addEventListener("input", schedule);
})();
