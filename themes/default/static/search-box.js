// Old WordPress search links go on to the archive's search page: ?s=words on any address, and
// the pretty /search/words/ (which a static host answers with the 404 page).
const searchPage = document.currentScript.dataset.search;
if (new URLSearchParams(location.search).has("s")) {
  location.replace(searchPage + location.search);
} else if (location.pathname.startsWith(searchPage) && location.pathname !== searchPage) {
  const words = decodeURIComponent(location.pathname.slice(searchPage.length).replace(/\/+$/, "")).replace(/\+/g, " ");
  location.replace(`${searchPage}?${new URLSearchParams({ q: words })}`);
}
