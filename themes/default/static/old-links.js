// Old WordPress plain links (/?p=123, /?cat=4, /index.php?page_id=5) land on the home or 404 page of
// a static host. This looks the parameter up in the archive's old-link map and goes to the page.
(function () {
  "use strict";
  var data = document.currentScript.dataset;
  var params = new URLSearchParams(window.location.search);
  var names = data.parameters.split(" ");
  var ids = data.ids.split(" ");
  for (var i = 0; i < names.length; i++) {
    var value = params.get(names[i]);
    if (!value) continue;
    // The same sharding as urls.old_links_url: IDs by thousands, anything else in one file.
    var shard = ids.indexOf(names[i]) >= 0 && /^[0-9]+$/.test(value)
      ? names[i] + "-" + Math.floor(Number(value) / Number(data.bucket)) : names[i];
    fetch(data.map + shard + ".json")
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (map) {
        if (Object.prototype.hasOwnProperty.call(map, value)) window.location.replace(map[value] + window.location.hash);
      })
      .catch(function () {});
    return;
  }
})();
