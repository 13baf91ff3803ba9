// Old WordPress search links (/?s=words, on any address) go on to the archive's search page.
if (new URLSearchParams(location.search).has("s")) {
  location.replace(document.currentScript.dataset.search + location.search);
}
