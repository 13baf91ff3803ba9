// The search page: Pagefind in the browser, results as the visitor types, filters and order kept
// in the address so a search can be shared, and the index's shards merged at query time.
// Everything from the index is shown as text: a title or excerpt cannot add markup to the page.

const root = document.getElementById("search");
const form = root.querySelector("form");
const query = form.elements.q;
const order = form.elements.sort;
const filterFields = [...form.querySelectorAll("select[data-filter]")];
const status = root.querySelector(".search-status");
const list = root.querySelector(".search-results");
const more = root.querySelector(".search-more");

const indexUrl = root.dataset.index; // the newest shard, which also holds Pagefind's scripts
const baseUrl = root.dataset.base;
const shards = root.dataset.shards.split(" ").filter(Boolean); // newest first; a key for each
const PAGE = 10;
const TYPING_PAUSE_MS = 150;

let pagefind = null;
let latest = 0; // only the newest search may write to the page
let shown = [];
let typingTimer = 0;

function loadPagefind() {
  pagefind ??= (async () => {
    const engine = await import(`${indexUrl}pagefind.js`);
    // Each shard carries a synthetic "shard" filter, so a date-ordered search can read them in turn.
    const tagged = (number) => (shards.length > 1 ? { mergeFilter: { shard: String(number) } } : {});
    await engine.options({ baseUrl, excerptLength: 30, metaCacheTag: shards[0], ...tagged(0) });
    await engine.init();
    for (let number = 1; number < shards.length; number++) {
      await engine.mergeIndex(`${indexUrl}${number}/`, { baseUrl, metaCacheTag: shards[number], ...tagged(number) });
    }
    return engine;
  })();
  return pagefind;
}

function readState() {
  const state = { q: query.value.trim(), sort: order.value, filters: {} };
  for (const field of filterFields) {
    if (field.value) state.filters[field.dataset.filter] = field.value;
  }
  return state;
}

function writeAddress(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const [key, value] of Object.entries(state.filters)) params.set(key, value);
  if (state.sort) params.set("sort", state.sort);
  const address = params.size ? `?${params}` : location.pathname;
  history.replaceState(null, "", address);
}

function restoreState() {
  const params = new URLSearchParams(location.search);
  query.value = params.get("q") ?? params.get("s") ?? ""; // ?s= is how WordPress spelled it
  order.value = ["newest", "oldest"].includes(params.get("sort")) ? params.get("sort") : "";
  for (const field of filterFields) {
    const value = params.get(field.dataset.filter);
    if (!value) continue;
    if (![...field.options].some((option) => option.value === value)) {
      field.add(new Option(value, value)); // e.g. a tag too rare to be listed
    }
    field.value = value;
  }
}

async function findResults(engine, state) {
  const term = state.q || null; // no words but a filter: every post it matches
  const sortBy = state.sort || (term ? "" : "newest");
  const sort = sortBy ? { date: sortBy === "newest" ? "desc" : "asc" } : {};
  const found = await engine.search(term, { filters: state.filters, sort });
  if (!sortBy || shards.length < 2) return found.results;
  // Pagefind merges shards by score; shards are date ranges, so date order is shard order.
  const counts = found.filters.shard ?? {};
  const numbers = shards.map((_, number) => number).filter((number) => counts[number]);
  if (sortBy === "oldest") numbers.reverse();
  const results = [];
  for (const number of numbers) {
    const one = await engine.search(term, { filters: { ...state.filters, shard: String(number) }, sort });
    results.push(...one.results);
  }
  return results;
}

async function search() {
  const state = readState();
  writeAddress(state);
  const mine = ++latest;
  if (!state.q && !Object.keys(state.filters).length) {
    showResults(mine, [], "Type a word to search the archive.");
    return;
  }
  if (!shards.length) {
    showResults(mine, [], "There is nothing to search yet.");
    return;
  }
  let results;
  try {
    results = await findResults(await loadPagefind(), state);
  } catch (error) {
    showResults(mine, [], `The search index could not be loaded (${error.message}). Try again later.`);
    return;
  }
  const what = state.q ? `for “${state.q}”` : "for these filters";
  const count = results.length === 1 ? "1 result" : `${results.length} results`;
  showResults(mine, results, results.length ? `${count} ${what}.` : `Nothing found ${what}.`);
}

function showResults(mine, results, message) {
  if (mine !== latest) return;
  shown = results;
  list.replaceChildren();
  status.textContent = message;
  showMore(mine);
}

async function showMore(mine) {
  const next = shown.slice(list.children.length, list.children.length + PAGE);
  more.hidden = true;
  const items = await Promise.all(next.map(async (result) => resultItem(await result.data())));
  if (mine !== latest) return;
  list.append(...items.filter(Boolean));
  more.hidden = list.children.length >= shown.length;
}

function resultItem(data) {
  if (!data.url.startsWith(baseUrl)) return null; // every record points into this archive
  const item = document.createElement("li");
  item.className = "search-result";
  const heading = item.appendChild(document.createElement("h2"));
  const link = heading.appendChild(document.createElement("a"));
  link.href = data.url;
  link.textContent = data.meta.title;
  if (data.meta.date || data.meta.author) {
    const meta = item.appendChild(document.createElement("p"));
    meta.className = "entry-meta";
    meta.textContent = [data.meta.date, data.meta.author].filter(Boolean).join(" · ");
  }
  if (data.meta.image) {
    const image = item.appendChild(document.createElement("img"));
    image.src = `${baseUrl}${data.meta.image.replace(/^\/+/, "")}`;
    image.alt = data.meta.image_alt ?? "";
    image.loading = "lazy";
  }
  const excerpt = item.appendChild(document.createElement("p"));
  excerpt.className = "search-excerpt";
  excerpt.append(markedText(data.excerpt));
  return item;
}

// Pagefind's excerpt is text with its "<" and ">" escaped and the matches in <mark>. Parse it in
// an inert template and keep only text and <mark>, so nothing else can reach the page.
function markedText(excerpt) {
  const template = document.createElement("template");
  template.innerHTML = excerpt;
  const text = document.createDocumentFragment();
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      text.appendChild(document.createElement("mark")).textContent = node.textContent;
    } else {
      text.append(node.textContent);
    }
  }
  return text;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typingTimer);
  search();
});
query.addEventListener("input", () => {
  clearTimeout(typingTimer);
  typingTimer = setTimeout(search, TYPING_PAUSE_MS);
});
for (const field of [order, ...filterFields]) field.addEventListener("change", search);
more.addEventListener("click", () => {
  const first = list.children.length;
  showMore(latest).then(() => list.children[first]?.querySelector("a")?.focus());
});
// Arrow keys move between the search field and the results' links.
root.addEventListener("keydown", (event) => {
  if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
  const links = [...list.querySelectorAll("a")];
  const here = event.target === query ? -1 : links.indexOf(event.target);
  if (here === -1 && event.target !== query) return;
  const next = here + (event.key === "ArrowDown" ? 1 : -1);
  event.preventDefault();
  (next < 0 ? query : links[Math.min(next, links.length - 1)])?.focus();
});

restoreState();
query.focus(); // from the header's box or a shared link, the next key refines the search or goes down to the results
if (query.value || filterFields.some((field) => field.value)) search();
