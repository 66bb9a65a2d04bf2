// Progressive enhancement: without it the search form still works (it posts to /search).
"use strict";
(function () {
  // The search box, and the owner's film field (same ids: one per page).
  var input = document.getElementById("q");
  var list = document.getElementById("suggestions");
  if (!input || !list || !window.fetch) return;
  var lang = document.documentElement.lang || "fr";
  var timer = null, last = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (q.length < 2 || q === last) return;
      last = q;
      fetch("/api/v1/films/search?limit=8&lang=" + lang + "&q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : { films: [] }; })
        .then(function (data) {
          while (list.firstChild) list.removeChild(list.firstChild);
          data.films.forEach(function (film) {
            var option = document.createElement("option");
            option.value = film.year ? film.title + " (" + film.year + ")" : film.title;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();
