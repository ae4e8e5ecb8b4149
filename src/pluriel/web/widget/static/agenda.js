// <pluriel-agenda>: the embeddable agenda of pluriel.
//
// One vanilla ES module, no framework: a custom element with a closed-over
// Shadow DOM so that neither the host page's CSS nor ours crosses the
// boundary. Every text from the API goes in through textContent; the one
// HTML field (the description, sanitised by the server) is parsed in an
// inert <template> and filtered again here. Requests go to the API only,
// as simple GETs without credentials: no cookie, no preflight, no third party.
//
// The tables below are filled in by the server when it serves the file
// (the Babel catalogs' "widget" messages, documents/*.graphql and the shared
// accessibility vocabulary), so each has one source.

const STRINGS = /*@strings*/ {} /*@end*/;
const DOCUMENTS = /*@documents*/ {} /*@end*/;
const ACCESSIBILITY = /*@accessibility*/ {} /*@end*/;
// Luxembourgish month and day names (CLDR, through Babel), for browsers whose Intl lacks lb.
const LB = /*@lb*/ {} /*@end*/;

const LANGS = ["fr", "de", "lb", "en", "nl"];
const VIEWS = ["list", "month"];
const ATTRIBUTES = [
  "api", "lang", "view", "categories", "countries", "localities",
  "institution", "place", "near", "limit", "theme",
];
// APIs seen to lack the newest event fields (dateSummary, price): asked once, then not again.
const basicOnly = new Set();
let counter = 0;

const CSS = `
:host{all:initial;display:block;contain:content;
--pa-bg:#fff;--pa-fg:#1b1b1f;--pa-muted:#4a4a55;--pa-surface:#f3f4f7;--pa-border:#c9ccd4;
--pa-accent:#0b57d0;--pa-accent-fg:#fff;--pa-focus:#b3261e;--pa-warn:#8c1d18;
--pa-radius:.5rem;--pa-font:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
font:16px/1.45 var(--pa-font);color:var(--pa-fg);background:var(--pa-bg)}
:host([theme=dark]){--pa-bg:#16171b;--pa-fg:#eceef2;--pa-muted:#b9bcc6;--pa-surface:#23252b;
--pa-border:#4a4d57;--pa-accent:#9cc0ff;--pa-accent-fg:#0b1b36;--pa-focus:#ffb4ab;--pa-warn:#ffb4ab}
@media (prefers-color-scheme:dark){:host([theme=auto]){--pa-bg:#16171b;--pa-fg:#eceef2;
--pa-muted:#b9bcc6;--pa-surface:#23252b;--pa-border:#4a4d57;--pa-accent:#9cc0ff;
--pa-accent-fg:#0b1b36;--pa-focus:#ffb4ab;--pa-warn:#ffb4ab}}
:host([hidden]){display:none}
*{box-sizing:border-box}
.root{padding:1rem;background:var(--pa-bg);color:var(--pa-fg)}
h2,h3{margin:0 0 .5rem;line-height:1.25}
h2{font-size:1.25rem}h3{font-size:1rem}
a{color:var(--pa-accent)}
button,input,select{font:inherit;color:inherit}
button{cursor:pointer}
:focus-visible{outline:3px solid var(--pa-focus);outline-offset:2px}
.bar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;justify-content:space-between}
.views{display:flex;gap:.25rem}
.btn{border:1px solid var(--pa-accent);background:var(--pa-bg);color:var(--pa-accent);
border-radius:var(--pa-radius);padding:.35rem .8rem;min-height:2.25rem}
.btn[aria-pressed=true],.btn.primary{background:var(--pa-accent);color:var(--pa-accent-fg)}
form{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end;margin:.75rem 0;
padding:.75rem;background:var(--pa-surface);border-radius:var(--pa-radius)}
label{display:flex;flex-direction:column;font-size:.875rem;color:var(--pa-fg)}
label.check{flex-direction:row;align-items:center;gap:.4rem;min-height:2.25rem}
input,select{background:var(--pa-bg);border:1px solid var(--pa-border);
border-radius:calc(var(--pa-radius)/2);padding:.3rem .4rem;min-height:2.25rem}
input[type=checkbox]{min-height:0;width:1.1rem;height:1.1rem}
.status{color:var(--pa-muted);font-size:.875rem;margin:.25rem 0}
ul{list-style:none;margin:0;padding:0}
.day{margin:1rem 0}
.day h3{padding-bottom:.25rem;border-bottom:1px solid var(--pa-border)}
h3::first-letter{text-transform:uppercase}
dd p{margin:0}
.item{display:grid;grid-template-columns:6.5rem 1fr;gap:.75rem;padding:.5rem 0;
border-bottom:1px solid var(--pa-surface)}
.time{color:var(--pa-muted);font-variant-numeric:tabular-nums}
.title{all:unset;cursor:pointer;color:var(--pa-accent);font-weight:600;text-decoration:underline;
text-underline-offset:.15em}
.title:focus-visible{outline:3px solid var(--pa-focus);outline-offset:2px}
.meta{color:var(--pa-muted);font-size:.875rem}
.tag{display:inline-block;font-size:.75rem;border:1px solid var(--pa-border);border-radius:1rem;
padding:0 .5rem;margin:.2rem .25rem 0 0;color:var(--pa-fg)}
.badge{color:var(--pa-warn);font-weight:600;text-transform:uppercase;font-size:.75rem;margin-left:.4rem}
.cancelled .title{text-decoration:line-through}
.more{margin:1rem 0}
.state{padding:1.5rem;text-align:center;background:var(--pa-surface);border-radius:var(--pa-radius)}
.month-head{display:flex;align-items:center;justify-content:space-between;gap:.5rem;margin:.5rem 0}
.month-head h3{margin:0}
table{width:100%;border-collapse:collapse;table-layout:fixed}
th{font-size:.75rem;color:var(--pa-muted);font-weight:600;padding:.25rem;text-transform:capitalize}
td{border:1px solid var(--pa-border);height:3.5rem;vertical-align:top;padding:.25rem;cursor:pointer}
td[aria-disabled=true]{color:var(--pa-muted);background:var(--pa-surface)}
td[aria-selected=true]{background:var(--pa-accent);color:var(--pa-accent-fg)}
td .n{display:block;font-size:.75rem;font-weight:700}
td:focus-visible{outline:3px solid var(--pa-focus);outline-offset:-3px}
dialog{max-width:min(40rem,92vw);width:100%;border:1px solid var(--pa-border);border-radius:var(--pa-radius);
padding:1.25rem;background:var(--pa-bg);color:var(--pa-fg)}
dialog::backdrop{background:rgba(0,0,0,.5)}
dialog .close{float:right}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:1rem 0}
dt{font-weight:600}dd{margin:0}
.desc{margin:1rem 0;overflow-wrap:anywhere}
.links{display:flex;flex-wrap:wrap;gap:.5rem}
.links a{display:inline-block;padding:.35rem .8rem;border:1px solid var(--pa-accent);border-radius:var(--pa-radius);
text-decoration:none}
.sr{position:absolute;width:1px;height:1px;margin:-1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (prefers-reduced-motion:no-preference){.btn,td,.links a{transition:background-color .15s}}
@media (prefers-reduced-motion:reduce){*{transition:none!important;animation:none!important;scroll-behavior:auto!important}}
`;

// ---- small helpers -------------------------------------------------------

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

function words(value) {
  return (value || "").split(value && value.includes(",") ? "," : /\s+/)
    .map((w) => w.trim()).filter(Boolean);
}

function httpUrl(value) {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

const formats = new Map();
function format(locale, options) {
  const key = locale + JSON.stringify(options);
  if (!formats.has(key)) formats.set(key, new Intl.DateTimeFormat(locale, options));
  return formats.get(key);
}

// The local calendar day of an instant in a zone, as YYYY-MM-DD.
function dayOf(iso, zone) {
  return format("en-CA", { timeZone: zone || "UTC", year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date(iso));
}

function isoDay(date) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function localDate(day) {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d);
}

// Allowed markup of a description; anything else is unwrapped, or dropped with its content.
const KEEP = new Set(["P", "BR", "STRONG", "EM", "B", "I", "U", "UL", "OL", "LI", "A", "H3", "H4",
  "H5", "H6", "BLOCKQUOTE", "SPAN", "SMALL", "SUB", "SUP", "ABBR", "CITE", "Q", "CODE", "PRE"]);
const DROP = new Set(["SCRIPT", "STYLE", "TEMPLATE", "IFRAME", "OBJECT", "EMBED", "NOSCRIPT", "SVG",
  "MATH", "IMG", "PICTURE", "VIDEO", "AUDIO", "SOURCE", "LINK", "META", "BASE", "FORM", "INPUT",
  "BUTTON", "TEXTAREA", "SELECT", "FRAME", "FRAMESET", "TITLE", "HEAD"]);

export function sanitise(html) {
  const template = document.createElement("template");
  // A template's content is inert: nothing runs and nothing loads while we filter it.
  template.innerHTML = html || "";
  const walk = (parent) => {
    for (const node of [...parent.childNodes]) {
      if (node.nodeType === Node.COMMENT_NODE) node.remove();
      if (node.nodeType !== Node.ELEMENT_NODE) continue;
      const tag = node.tagName.toUpperCase();
      if (DROP.has(tag)) {
        node.remove();
        continue;
      }
      walk(node);
      if (!KEEP.has(tag)) {
        node.replaceWith(...node.childNodes);
        continue;
      }
      const href = tag === "A" ? node.getAttribute("href") : null;
      for (const attribute of [...node.attributes]) node.removeAttribute(attribute.name);
      if (href !== null) {
        const safe = httpUrl(href) || (/^mailto:/i.test(href) ? href : null);
        if (safe) {
          node.setAttribute("href", safe);
          node.setAttribute("rel", "noopener noreferrer nofollow");
          node.setAttribute("target", "_blank");
        }
      }
    }
  };
  walk(template.content);
  return template.content;
}

// ---- the element ---------------------------------------------------------

class PlurielAgenda extends HTMLElement {
  static get observedAttributes() {
    return ATTRIBUTES;
  }

  #root;
  #ids = `pa${++counter}`;
  #parts = {};
  #state = null;
  #abort = null;
  #categories = null;
  #ready = false;

  constructor() {
    super();
    this.#root = this.attachShadow({ mode: "open" });
  }

  connectedCallback() {
    if (!this.#ready) {
      this.#ready = true;
      this.#build();
      queueMicrotask(() => this.#reset());
    }
  }

  disconnectedCallback() {
    this.#abort?.abort();
    this.#ready = false;
    this.#root.replaceChildren();
  }

  attributeChangedCallback(name, before, after) {
    if (!this.#ready || before === after) return;
    if (name === "theme") return;
    this.#build();
    this.#reset();
  }

  // ---- configuration from attributes ----

  get language() {
    const asked = this.getAttribute("lang") || this.closest("[lang]")?.getAttribute("lang")
      || document.documentElement.lang || navigator.language || "en";
    const base = asked.toLowerCase().split(/[-_]/)[0];
    return LANGS.includes(base) ? base : "en";
  }

  get #locale() {
    const lang = this.language;
    // Luxembourgish dates where the browser has the data, German ones otherwise.
    if (lang === "lb" && !Intl.DateTimeFormat.supportedLocalesOf(["lb"]).length) return "de";
    return lang === "en" ? "en-GB" : lang;
  }

  get #api() {
    const given = this.getAttribute("api");
    return new URL(given || "/graphql", given ? document.baseURI : import.meta.url).href;
  }

  #t(key, values) {
    const table = STRINGS[this.language] || STRINGS.en || {};
    let text = table[key] ?? (STRINGS.en || {})[key] ?? key;
    for (const [name, value] of Object.entries(values || {})) text = text.replace(`{${name}}`, value);
    return text;
  }

  #baseFilter() {
    const filter = {};
    const categories = words(this.getAttribute("categories"));
    const countries = words(this.getAttribute("countries")).map((c) => c.toUpperCase());
    const localities = words(this.getAttribute("localities"));
    const institutions = words(this.getAttribute("institution"));
    const places = words(this.getAttribute("place"));
    if (categories.length) filter.categories = categories;
    if (countries.length) filter.countries = countries;
    if (localities.length) filter.localities = localities;
    if (institutions.length) filter.institutionIds = institutions;
    if (places.length) filter.placeIds = places;
    const near = (this.getAttribute("near") || "").split(/[\s,]+/).filter(Boolean).map(Number);
    if (near.length === 3 && near.every(Number.isFinite)) {
      filter.near = { lat: near[0], lon: near[1], radiusKm: near[2] };
    }
    return filter;
  }

  get #limit() {
    const limit = parseInt(this.getAttribute("limit") || "20", 10);
    return Number.isFinite(limit) ? Math.min(100, Math.max(1, limit)) : 20;
  }

  // ---- the frame: header, filters, status, results, dialog ----

  #build() {
    const id = this.#ids;
    const t = (key) => this.#t(key);
    const view = VIEWS.includes(this.getAttribute("view")) ? this.getAttribute("view") : "list";
    const p = this.#parts;
    p.view = view;
    p.listButton = h("button", { type: "button", class: "btn", "aria-pressed": String(view === "list"),
      onclick: () => this.#switch("list") }, t("viewList"));
    p.monthButton = h("button", { type: "button", class: "btn", "aria-pressed": String(view === "month"),
      onclick: () => this.#switch("month") }, t("viewMonth"));
    p.text = h("input", { type: "search", id: `${id}-q`, name: "q", autocomplete: "off" });
    p.category = h("select", { id: `${id}-c`, name: "category" },
      h("option", { value: "" }, t("allCategories")));
    p.from = h("input", { type: "date", id: `${id}-from`, name: "from" });
    p.to = h("input", { type: "date", id: `${id}-to`, name: "to" });
    p.free = h("input", { type: "checkbox", id: `${id}-free`, name: "free" });
    p.form = h("form", { role: "search", "aria-label": t("filters"),
      onsubmit: (event) => { event.preventDefault(); this.#reset(); } },
      h("label", { for: `${id}-q` }, t("search"), p.text),
      h("label", { for: `${id}-c` }, t("category"), p.category),
      h("label", { for: `${id}-from` }, t("from"), p.from),
      h("label", { for: `${id}-to` }, t("to"), p.to),
      h("label", { class: "check", for: `${id}-free` }, p.free, t("freeOnly")),
      h("button", { type: "submit", class: "btn primary" }, t("apply")));
    p.status = h("p", { class: "status", role: "status", "aria-live": "polite" });
    p.results = h("div", { class: "results" });
    p.dialog = h("dialog", { "aria-labelledby": `${id}-dt`, onclose: () => this.#closed() });
    const root = h("div", { class: "root", lang: this.language, part: "root" },
      h("div", { class: "bar" },
        h("h2", { id: `${id}-h` }, t("agenda")),
        h("div", { class: "views", role: "group", "aria-label": t("agenda") }, p.listButton, p.monthButton)),
      p.form, p.status, p.results, p.dialog);
    this.#root.replaceChildren(h("style", {}, CSS), root);
    this.#categories = null;
  }

  #switch(view) {
    if (this.#parts.view === view) return;
    this.#parts.view = view;
    this.#parts.listButton.setAttribute("aria-pressed", String(view === "list"));
    this.#parts.monthButton.setAttribute("aria-pressed", String(view === "month"));
    this.#reset();
  }

  #userFilter() {
    const p = this.#parts;
    const filter = this.#baseFilter();
    const text = p.text.value.trim();
    if (text) filter.text = text;
    if (p.category.value) filter.categories = [p.category.value];
    if (p.free.checked) filter.free = true;
    if (p.from.value) filter.from = localDate(p.from.value).toISOString();
    if (p.to.value) {
      const end = localDate(p.to.value);
      end.setDate(end.getDate() + 1);
      filter.to = end.toISOString();
    }
    return filter;
  }

  // ---- loading ----

  #reset(month) {
    const filter = this.#userFilter();
    const state = { items: [], cursor: null, hasNext: false, filter, selected: null };
    if (this.#parts.view === "month") {
      const start = month || this.#state?.month || (() => {
        const now = new Date(filter.from || Date.now());
        return new Date(now.getFullYear(), now.getMonth(), 1);
      })();
      state.month = start;
      const next = new Date(start.getFullYear(), start.getMonth() + 1, 1);
      const from = new Date(Math.max(start, filter.from ? new Date(filter.from) : start));
      filter.from = from.toISOString();
      filter.to = new Date(Math.min(next, filter.to ? new Date(filter.to) : next)).toISOString();
    }
    this.#state = state;
    this.#load(false);
  }

  async #load(more) {
    const state = this.#state;
    const p = this.#parts;
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    p.status.textContent = this.#t("loading");
    this.setAttribute("aria-busy", "true");
    const variables = {
      filter: state.filter,
      first: state.month ? 100 : this.#limit,
      after: more ? state.cursor : null,
      lang: this.language,
      withCategories: this.#categories === null,
    };
    let data;
    try {
      data = await this.#query("list", variables, abort.signal);
    } catch (error) {
      if (abort.signal.aborted) return;
      this.removeAttribute("aria-busy");
      this.#fail(() => this.#load(more));
      return;
    }
    if (state !== this.#state) return;
    if (data.categories) this.#fillCategories(data.categories);
    const connection = data.occurrences;
    const firstNew = state.items.length;
    state.items.push(...connection.edges.map((edge) => edge.node));
    state.cursor = connection.pageInfo.endCursor;
    state.hasNext = connection.pageInfo.hasNextPage;
    this.removeAttribute("aria-busy");
    p.status.textContent = this.#t("count", { n: state.items.length });
    if (state.month) {
      this.#renderMonth();
      if (this.#pendingFocus) this.#root.querySelector(`td[data-day="${this.#pendingFocus}"]`)?.focus();
      this.#pendingFocus = null;
    } else {
      this.#renderList();
    }
    if (more) {
      this.#root.querySelector(`[data-index="${firstNew}"] .title`)?.focus();
    }
    this.dispatchEvent(new CustomEvent("pluriel-loaded", { detail: { count: state.items.length } }));
  }

  async #query(name, variables, signal) {
    const query = DOCUMENTS[name];
    const url = new URL(this.#api);
    url.searchParams.set("query", query);
    url.searchParams.set("variables", JSON.stringify(variables));
    // A simple GET: cacheable, and no CORS preflight, so one round trip.
    const response = await fetch(url, {
      method: "GET", mode: "cors", credentials: "omit", referrerPolicy: "strict-origin",
      headers: { Accept: "application/json" }, signal,
    });
    const body = await response.json().catch(() => null);
    if (body && body.data && !body.errors) return body.data;
    const message = (body?.errors || []).map((e) => e.message).join("; ");
    const error = new Error(message || `HTTP ${response.status}`);
    error.unknownField = /Cannot query field/.test(message);
    throw error;
  }

  #fillCategories(categories) {
    const select = this.#parts.category;
    const wanted = new Set(this.#baseFilter().categories || []);
    const keep = categories.filter((c) => !wanted.size || wanted.has(c.id) || wanted.has(c.parentId));
    this.#categories = keep;
    const byId = new Map(categories.map((c) => [c.id, c]));
    for (const category of keep) {
      const label = category.parentId && byId.has(category.parentId) ? `– ${category.label}` : category.label;
      select.append(h("option", { value: category.id }, label));
    }
  }

  #fail(retry) {
    this.#parts.status.textContent = this.#t("error");
    this.#parts.results.replaceChildren(h("div", { class: "state error", part: "error" },
      h("p", {}, this.#t("error")),
      h("button", { type: "button", class: "btn", onclick: retry }, this.#t("retry"))));
  }

  // ---- list view ----

  #time(occurrence) {
    if (occurrence.allDay) return this.#t("allDay");
    const options = { timeZone: occurrence.timezone, hour: "2-digit", minute: "2-digit" };
    const start = format(this.#locale, options).format(new Date(occurrence.start));
    if (!occurrence.end || dayOf(occurrence.end, occurrence.timezone) !== dayOf(occurrence.start, occurrence.timezone)) {
      return start;
    }
    return `${start}–${format(this.#locale, options).format(new Date(occurrence.end))}`;
  }

  // Day and month names: Intl's, or Babel's Luxembourgish ones where Intl has none.
  #names(date, style) {
    if (this.language === "lb" && this.#locale !== "lb" && LB.months) {
      const weekday = (date.getDay() + 6) % 7;
      if (style === "day") {
        return `${LB.days[weekday]}, ${date.getDate()}. ${LB.months[date.getMonth()]} ${date.getFullYear()}`;
      }
      if (style === "month") return `${LB.months[date.getMonth()]} ${date.getFullYear()}`;
      return (style === "weekday" ? LB.days : LB.daysShort)[weekday];
    }
    const options = {
      day: { weekday: "long", day: "numeric", month: "long", year: "numeric" },
      month: { month: "long", year: "numeric" },
      weekday: { weekday: "long" },
      weekdayShort: { weekday: "short" },
    }[style];
    return format(this.#locale, options).format(date);
  }

  #dayTitle(day) {
    return this.#names(localDate(day), "day");
  }

  #item(occurrence, index) {
    const event = occurrence.event;
    const status = occurrence.status !== "SCHEDULED" ? occurrence.status : null;
    const place = event.place ? [event.place.name, event.place.locality].filter(Boolean).join(", ") : "";
    return h("li", { class: `item${status === "CANCELLED" ? " cancelled" : ""}`, part: "item",
      "data-index": index, "data-occurrence": occurrence.id, "data-event": event.id },
      h("span", { class: "time" }, h("time", { datetime: occurrence.start }, this.#time(occurrence))),
      h("div", {},
        h("button", { type: "button", class: "title", part: "title", "aria-haspopup": "dialog",
          onclick: (e) => this.#open(event.id, e.currentTarget) }, event.title),
        status && h("span", { class: "badge" }, this.#t(status)),
        place && h("div", { class: "meta" }, place),
        event.categories.length > 0 && h("div", {}, event.categories.map((c) => h("span", { class: "tag" }, c.label)))));
  }

  #renderList() {
    const state = this.#state;
    const results = this.#parts.results;
    if (!state.items.length) {
      results.replaceChildren(h("div", { class: "state empty", part: "empty" }, this.#t("empty")));
      return;
    }
    const days = new Map();
    state.items.forEach((occurrence, index) => {
      const day = dayOf(occurrence.start, occurrence.timezone);
      if (!days.has(day)) days.set(day, []);
      days.get(day).push(this.#item(occurrence, index));
    });
    const sections = [...days].map(([day, items], n) => h("section", { class: "day", "data-day": day,
      "aria-labelledby": `${this.#ids}-d${n}` },
      h("h3", { id: `${this.#ids}-d${n}` }, this.#dayTitle(day)), h("ul", {}, items)));
    results.replaceChildren(...sections, this.#moreButton());
  }

  #moreButton() {
    if (!this.#state.hasNext) return "";
    return h("div", { class: "more" }, h("button", { type: "button", class: "btn", part: "more",
      onclick: () => this.#load(true) }, this.#t("more")));
  }

  // ---- month view: an ARIA grid with a roving tabindex ----

  #renderMonth() {
    const state = this.#state;
    const month = state.month;
    const byDay = new Map();
    state.items.forEach((occurrence, index) => {
      const day = dayOf(occurrence.start, occurrence.timezone);
      if (!byDay.has(day)) byDay.set(day, []);
      byDay.get(day).push([occurrence, index]);
    });
    const title = this.#names(month, "month");
    const titleId = `${this.#ids}-m`;
    const shift = (n) => this.#reset(new Date(month.getFullYear(), month.getMonth() + n, 1));
    const head = h("div", { class: "month-head" },
      h("button", { type: "button", class: "btn", "aria-label": this.#t("prevMonth"), onclick: () => shift(-1) }, "‹"),
      h("h3", { id: titleId, "aria-live": "polite" }, title),
      h("button", { type: "button", class: "btn", "aria-label": this.#t("nextMonth"), onclick: () => shift(1) }, "›"));
    const first = new Date(month);
    first.setDate(1 - ((month.getDay() + 6) % 7));
    const weekdays = [];
    for (let i = 0; i < 7; i++) {
      const day = new Date(first.getFullYear(), first.getMonth(), first.getDate() + i);
      weekdays.push(h("th", { scope: "col", abbr: this.#names(day, "weekday") },
        this.#names(day, "weekdayShort")));
    }
    const today = isoDay(new Date());
    const inMonth = [...byDay.keys()].filter((d) => localDate(d).getMonth() === month.getMonth()).sort();
    const selected = state.selected || (today.slice(0, 7) === isoDay(month).slice(0, 7) ? today : inMonth[0] || isoDay(month));
    state.selected = selected;
    const rows = [];
    const cursor = new Date(first);
    do {
      const cells = [];
      for (let i = 0; i < 7; i++) {
        const day = isoDay(cursor);
        const outside = cursor.getMonth() !== month.getMonth();
        const count = (byDay.get(day) || []).length;
        const label = `${this.#dayTitle(day)}${count ? `, ${this.#t("count", { n: count })}` : ""}`;
        cells.push(h("td", { role: "gridcell", "data-day": day, "data-count": count,
          tabindex: day === selected ? 0 : -1, "aria-selected": String(day === selected),
          "aria-disabled": outside ? "true" : null, "aria-current": day === today ? "date" : null },
          h("span", { class: "sr" }, label),
          h("span", { "aria-hidden": "true" }, cursor.getDate()),
          count > 0 && h("span", { class: "n", "aria-hidden": "true" }, `• ${count}`)));
        cursor.setDate(cursor.getDate() + 1);
      }
      rows.push(h("tr", {}, cells));
    } while (cursor.getMonth() === month.getMonth());
    const grid = h("table", { role: "grid", "aria-labelledby": titleId, part: "grid",
      onkeydown: (e) => this.#gridKey(e), onclick: (e) => {
        const cell = e.target.closest("td[data-day]");
        if (cell) this.#select(cell.dataset.day, true);
      } },
      h("thead", {}, h("tr", {}, weekdays)), h("tbody", {}, rows));
    const events = byDay.get(selected) || [];
    const dayTitle = this.#t("eventsOn", { date: this.#dayTitle(selected) });
    const panel = h("section", { class: "day", "aria-label": dayTitle },
      h("h3", {}, dayTitle),
      events.length ? h("ul", {}, events.map(([occurrence, index]) => this.#item(occurrence, index)))
        : h("p", { class: "state empty" }, this.#t("noEventsDay")));
    this.#parts.results.replaceChildren(head, grid, panel, this.#moreButton());
  }

  #select(day, focus) {
    const month = this.#state.month;
    const date = localDate(day);
    this.#state.selected = day;
    if (date.getMonth() !== month.getMonth() || date.getFullYear() !== month.getFullYear()) {
      if (focus) this.#pendingFocus = day;
      this.#reset(new Date(date.getFullYear(), date.getMonth(), 1));
      this.#state.selected = day;
      return;
    }
    this.#renderMonth();
    if (focus) this.#root.querySelector(`td[data-day="${day}"]`)?.focus();
  }

  #gridKey(event) {
    const cell = event.target.closest("td[data-day]");
    if (!cell) return;
    const date = localDate(cell.dataset.day);
    const moves = {
      ArrowLeft: () => date.setDate(date.getDate() - 1),
      ArrowRight: () => date.setDate(date.getDate() + 1),
      ArrowUp: () => date.setDate(date.getDate() - 7),
      ArrowDown: () => date.setDate(date.getDate() + 7),
      Home: () => date.setDate(date.getDate() - ((date.getDay() + 6) % 7)),
      End: () => date.setDate(date.getDate() + (6 - ((date.getDay() + 6) % 7))),
      PageUp: () => date.setMonth(date.getMonth() - 1),
      PageDown: () => date.setMonth(date.getMonth() + 1),
    };
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      this.#select(cell.dataset.day, false);
      this.#root.querySelector(".results section .title")?.focus();
      return;
    }
    if (!moves[event.key]) return;
    event.preventDefault();
    moves[event.key]();
    const day = isoDay(date);
    if (date.getMonth() !== this.#state.month.getMonth()) {
      this.#pendingFocus = day;
      this.#reset(new Date(date.getFullYear(), date.getMonth(), 1));
      this.#state.selected = day;
      return;
    }
    this.#select(day, true);
  }

  #pendingFocus = null;

  // ---- detail dialog ----

  async #open(id, trigger) {
    this.#trigger = trigger;
    const dialog = this.#parts.dialog;
    dialog.replaceChildren(h("p", { id: `${this.#ids}-dt` }, this.#t("loading")));
    if (!dialog.open) dialog.showModal();
    const variables = { id, lang: this.language, from: new Date().toISOString() };
    const api = this.#api;
    let data;
    try {
      if (basicOnly.has(api)) {
        data = await this.#query("event_basic", variables);
      } else {
        try {
          data = await this.#query("event", variables);
        } catch (error) {
          if (!error.unknownField) throw error;
          basicOnly.add(api);
          data = await this.#query("event_basic", variables);
        }
      }
    } catch {
      dialog.replaceChildren(this.#closeButton(), h("h2", { id: `${this.#ids}-dt` }, this.#t("error")),
        h("button", { type: "button", class: "btn", onclick: () => this.#open(id, trigger) }, this.#t("retry")));
      return;
    }
    if (!data.event) {
      dialog.replaceChildren(this.#closeButton(), h("h2", { id: `${this.#ids}-dt` }, this.#t("empty")));
      return;
    }
    dialog.replaceChildren(...this.#detail(data.event));
    dialog.querySelector(".close").focus();
  }

  #trigger = null;

  #closeButton() {
    return h("button", { type: "button", class: "btn close", onclick: () => this.#parts.dialog.close() },
      this.#t("close"));
  }

  #closed() {
    this.#trigger?.focus();
    this.#trigger = null;
  }

  #dates(event) {
    if (event.dateSummary) return [h("p", {}, event.dateSummary)];
    const items = event.occurrences.slice(0, 12).map((occurrence) => {
      const options = { timeZone: occurrence.timezone, weekday: "long", day: "numeric", month: "long", year: "numeric" };
      if (!occurrence.allDay) Object.assign(options, { hour: "2-digit", minute: "2-digit" });
      const text = format(this.#locale, options).format(new Date(occurrence.start));
      const status = occurrence.status !== "SCHEDULED" ? ` (${this.#t(occurrence.status)})` : "";
      return h("li", {}, h("time", { datetime: occurrence.start }, text), status);
    });
    return [h("ul", {}, items)];
  }

  #price(price) {
    if (!price) return null;
    if (price.free) return this.#t("free");
    if (price.text) return price.text;
    if (price.min === null || price.min === undefined) return null;
    const money = (value) => new Intl.NumberFormat(this.#locale, { style: "currency",
      currency: price.currency || "EUR" }).format(Number(value));
    return price.max !== null && price.max !== undefined && price.max !== price.min
      ? `${money(price.min)}–${money(price.max)}` : money(price.min);
  }

  #detail(event) {
    const t = (key) => this.#t(key);
    const rows = [];
    const row = (term, ...value) => rows.push(h("dt", {}, term), h("dd", {}, ...value));
    row(t("dates"), ...this.#dates(event));
    const place = event.place;
    if (place) {
      const address = [place.street, [place.postalCode, place.locality].filter(Boolean).join(" ")]
        .filter(Boolean).join(", ");
      const map = Number.isFinite(place.lat) && Number.isFinite(place.lon)
        ? `https://www.openstreetmap.org/?mlat=${place.lat}&mlon=${place.lon}#map=17/${place.lat}/${place.lon}`
        : `https://www.openstreetmap.org/search?query=${encodeURIComponent([place.name, address].join(", "))}`;
      row(t("place"), h("div", {}, place.name), address && h("div", {}, address),
        h("a", { href: map, target: "_blank", rel: "noopener noreferrer" }, t("map")));
    }
    const price = this.#price(event.price);
    if (price) row(t("price"), price);
    if (event.accessibility.length) {
      const labels = ACCESSIBILITY[this.language] || {};
      row(t("accessibility"), h("ul", {}, event.accessibility.map((id) => h("li", {}, labels[id] || id))));
    }
    const links = [];
    const link = (href, label, extra) => {
      if (href) links.push(h("a", { href, target: "_blank", rel: "noopener noreferrer", ...extra }, label));
    };
    link(httpUrl(event.bookingUrl), t("book"));
    link(httpUrl(event.onlineUrl), t("online"));
    link(httpUrl(event.url), t("website"));
    const ics = new URL(`/events/${encodeURIComponent(event.id)}.ics`, this.#api).href;
    links.push(h("a", { href: ics, download: `event-${event.id}.ics`, class: "ics" }, t("addToCalendar")));
    const shared = httpUrl(event.url) || ics;
    links.push(h("a", { class: "share", href: `mailto:?subject=${encodeURIComponent(event.title)}&body=${encodeURIComponent(shared)}`,
      onclick: (e) => {
        if (!navigator.share) return;
        e.preventDefault();
        navigator.share({ title: event.title, url: shared }).catch(() => {});
      } }, t("share")));
    const status = event.status !== "SCHEDULED" ? h("p", { class: "badge" }, t(event.status)) : null;
    const description = h("div", { class: "desc" });
    description.append(sanitise(event.description));
    return [
      this.#closeButton(),
      h("h2", { id: `${this.#ids}-dt` }, event.title),
      status,
      h("p", { class: "meta" }, event.institution.name,
        event.categories.length ? ` · ${event.categories.map((c) => c.label).join(", ")}` : ""),
      h("dl", {}, rows),
      description,
      h("div", { class: "links" }, links),
    ].filter(Boolean);
  }
}

if (!customElements.get("pluriel-agenda")) customElements.define("pluriel-agenda", PlurielAgenda);

export { PlurielAgenda };
