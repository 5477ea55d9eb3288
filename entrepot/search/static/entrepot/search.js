/* Search box autocomplete: suggestions from /search/suggest while typing.
 *
 * Progressive enhancement only: without this file the box is a plain GET form to
 * /search/. Suggestions fill the input's <datalist>; choosing a category suggestion
 * opens the category page.
 */
(function () {
  "use strict";
  var form = document.querySelector("form.search-box");
  if (!form || !window.fetch) {
    return;
  }
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById("search-suggestions");
  var endpoint = form.getAttribute("data-suggest-url");
  var timer = null;
  var latest = "";
  var links = {};

  function show(data) {
    if (data.query !== latest) {
      return; // an answer to an older keystroke
    }
    links = {};
    list.textContent = "";
    data.suggestions.forEach(function (s) {
      var option = document.createElement("option");
      option.value = s.text;
      list.appendChild(option);
      if (s.kind === "category") {
        links[s.text] = s.url;
      }
    });
  }

  input.addEventListener("input", function () {
    var text = input.value.trim();
    if (links[input.value]) {
      window.location.href = links[input.value];
      return;
    }
    clearTimeout(timer);
    if (!text) {
      list.textContent = "";
      return;
    }
    timer = setTimeout(function () {
      latest = text;
      fetch(endpoint + "?q=" + encodeURIComponent(text), { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data) { show(data); } })
        .catch(function () {});
    }, 150);
  });
})();
