// Conveniences on top of a form that works without them: language tabs, place
// search as you type, more date rows, and a copy of what is typed in
// localStorage so that a closed tab or a lost connection loses nothing.
const form = document.getElementById("event-form");

function tabs(container) {
  const panels = [...container.querySelectorAll(".lang-panel")];
  if (panels.length < 2) return;
  const list = document.createElement("div");
  list.setAttribute("role", "tablist");
  const buttons = panels.map((panel, index) => {
    const legend = panel.querySelector("legend");
    const button = document.createElement("button");
    button.type = "button";
    button.setAttribute("role", "tab");
    button.id = `tab-${panel.id}`;
    button.lang = legend.lang;
    button.textContent = legend.textContent;
    button.setAttribute("aria-controls", panel.id);
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", button.id);
    button.addEventListener("click", () => select(index, true));
    button.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) select((index + step + panels.length) % panels.length, true);
    });
    list.append(button);
    return button;
  });
  function select(index, focus) {
    panels.forEach((panel, i) => {
      panel.hidden = i !== index;
      buttons[i].setAttribute("aria-selected", String(i === index));
      buttons[i].tabIndex = i === index ? 0 : -1;
    });
    if (focus) buttons[index].focus();
  }
  container.classList.add("tabbed");
  container.before(list);
  const withError = panels.findIndex((p) => p.querySelector("[aria-invalid=true]"));
  const lang = document.documentElement.lang;
  const own = panels.findIndex((p) => p.id === `panel-${lang}`);
  select(withError >= 0 ? withError : Math.max(own, 0), false);
}

function placeSearch(input) {
  const results = form.querySelector("[data-place-results]");
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const query = input.value.trim();
      if (query.length < 2) return;
      const url = `${input.dataset.placeSearch}&q=${encodeURIComponent(query)}`;
      const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" });
      if (!response.ok) return;
      const { places } = await response.json();
      const checked = results.querySelector("input:checked");
      results.replaceChildren(...(checked ? [checked.closest("label")] : []));
      for (const place of places) {
        if (checked && checked.value === String(place.id)) continue;
        const label = document.createElement("label");
        const radio = Object.assign(document.createElement("input"), { type: "radio", name: "place_id", value: place.id });
        label.append(radio, ` ${place.name}, ${place.locality} (${place.country})`);
        results.append(label);
      }
    }, 250);
  });
}

function addDates(button) {
  const rows = form.querySelector("[data-date-rows]");
  button.addEventListener("click", (event) => {
    event.preventDefault();
    const last = rows.lastElementChild;
    const copy = last.cloneNode(true);
    const next = rows.children.length;
    copy.querySelectorAll("[id],[name],[for]").forEach((el) => {
      for (const attr of ["id", "name", "for"]) {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(/_\d+$/, `_${next}`));
      }
      if (el.tagName === "INPUT") { if (el.type === "checkbox") el.checked = false; else el.value = ""; }
      el.removeAttribute("aria-invalid");
      el.removeAttribute("aria-describedby");
    });
    copy.querySelectorAll(".error").forEach((el) => el.remove());
    copy.querySelector("legend").textContent = copy.querySelector("legend").textContent.replace(/\d+/, String(next + 1));
    rows.append(copy);
    copy.querySelector("input").focus();
  });
}

function autosave() {
  const key = `pluriel-draft:${form.dataset.autosave}`;
  const saved = localStorage.getItem(key);
  const fresh = ![...form.elements].some((el) => el.name && el.name.startsWith("title_") && el.value);
  if (saved && fresh) {
    for (const [name, value] of JSON.parse(saved)) {
      const field = form.elements.namedItem(name);
      if (field && "value" in field && !(field instanceof RadioNodeList) && field.type !== "checkbox") field.value = value;
    }
  }
  form.addEventListener("input", () => {
    const entries = [...new FormData(form)].filter(([name, value]) => typeof value === "string" && !["csrf", "lang", "action"].includes(name));
    localStorage.setItem(key, JSON.stringify(entries));
  });
  form.addEventListener("submit", (event) => {
    if (event.submitter && event.submitter.value === "submit") localStorage.removeItem(key);
  });
}

if (form) {
  const panels = form.querySelector("[data-tabs]");
  if (panels) tabs(panels);
  const search = form.querySelector("[data-place-search]");
  if (search) placeSearch(search);
  const more = form.querySelector("[data-add-date]");
  if (more) addDates(more);
  try { autosave(); } catch { /* private mode: no storage, the server-side draft still holds */ }
}
const summary = document.getElementById("error-summary");
if (summary) summary.focus();
