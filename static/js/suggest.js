// Suggestions under the search box as the shopper types: categories, brands and products
// from the box's data-suggest-url (JSON {q, suggestions: [{kind, label, url, image}]}).
// Keyboard: Down/Up move through them, Enter opens the one picked (or searches), Escape
// closes; a click or a tap opens one. The list is built with textContent only, and this
// file is the only script (the Content-Security-Policy runs no inline script).
(() => {
  const WAIT_MS = 150; // typing pauses this long before the shop is asked
  const MIN_CHARACTERS = 2;
  const KIND_LABELS = { category: "Category", brand: "Brand", product: "" };

  function setUp(input) {
    const list = document.getElementById(input.getAttribute("aria-controls"));
    if (!list) return;
    let timer = 0;
    let controller = null;
    let shownFor = "";
    let active = -1;

    const options = () => Array.from(list.querySelectorAll('[role="option"]'));

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      all.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function render(suggestions) {
      list.replaceChildren();
      suggestions.forEach((suggestion, i) => {
        const option = document.createElement("li");
        option.id = `${list.id}-${i}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = `suggest-option suggest-${suggestion.kind}`;
        option.dataset.url = suggestion.url;
        if (suggestion.kind === "product") {
          const image = document.createElement("img");
          image.alt = "";
          image.width = 24;
          image.height = 32;
          if (suggestion.image) image.src = suggestion.image;
          option.append(image);
        }
        const label = document.createElement("span");
        label.className = "suggest-label";
        label.textContent = suggestion.label;
        option.append(label);
        if (KIND_LABELS[suggestion.kind]) {
          const kind = document.createElement("span");
          kind.className = "suggest-kind";
          kind.textContent = KIND_LABELS[suggestion.kind];
          option.append(kind);
        }
        list.append(option);
      });
      active = -1;
      list.hidden = suggestions.length === 0;
      input.setAttribute("aria-expanded", String(suggestions.length > 0));
    }

    async function fetchSuggestions() {
      const q = input.value.trim();
      if (q.length < MIN_CHARACTERS) {
        shownFor = "";
        close();
        return;
      }
      if (q === shownFor && !list.hidden) return;
      if (controller) controller.abort();
      controller = new AbortController();
      try {
        const url = `${input.dataset.suggestUrl}?${new URLSearchParams({ q })}`;
        const response = await fetch(url, { signal: controller.signal, headers: { Accept: "application/json" } });
        if (!response.ok) return;
        const answer = await response.json();
        if (input.value.trim() !== q) return; // typed on meanwhile: a newer answer is coming
        shownFor = q;
        render(answer.suggestions || []);
      } catch (error) {
        if (error.name !== "AbortError") close();
      }
    }

    function open(option) {
      window.location.assign(option.dataset.url);
    }

    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, WAIT_MS);
    });
    input.addEventListener("focus", () => {
      if (list.childElementCount && input.value.trim() === shownFor) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      }
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (list.hidden) {
          if (list.childElementCount) {
            list.hidden = false;
            input.setAttribute("aria-expanded", "true");
          }
          return;
        }
        event.preventDefault();
        highlight(event.key === "ArrowDown" ? active + 1 : active - 1);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        open(options()[active]);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
    // Pressing an option must not blur the box first (which would close the list under the
    // finger): the press is kept from moving the focus, and the click that follows opens it.
    list.addEventListener("mousedown", (event) => event.preventDefault());
    list.addEventListener("click", (event) => {
      const option = event.target.closest('[role="option"]');
      if (option) open(option);
    });
    list.addEventListener("mousemove", (event) => {
      const option = event.target.closest('[role="option"]');
      if (option) highlight(options().indexOf(option));
    });
  }

  document.querySelectorAll("input[data-suggest-url]").forEach(setUp);
})();
