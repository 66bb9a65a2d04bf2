//! The files the pages load from this server only (the CSP allows nothing else): the stylesheets, the placeholder
//! poster (an SVG), the small script filling the search box's suggestions and the one replacing posters that fail
//! to load.

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use super::AppState;

/// Where the placeholder poster is served; pages use it when a film has no known poster, and the stylesheet
/// shows it behind every poster, so a poster that fails to load leaves the placeholder (and its alt text).
pub const PLACEHOLDER_POSTER: &str = "/assets/poster-placeholder.svg";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/assets/style.css", get(|| asset("text/css; charset=utf-8", STYLE)))
        // The analysis report's content styles, for the owner's dashboard.
        .route("/assets/report.css", get(|| asset("text/css; charset=utf-8", cinepicks_pipeline::report::CONTENT_CSS)))
        .route(PLACEHOLDER_POSTER, get(|| asset("image/svg+xml", PLACEHOLDER_SVG)))
        .route("/assets/suggest.js", get(|| asset("text/javascript; charset=utf-8", SUGGEST_JS)))
        .route("/assets/posters.js", get(|| asset("text/javascript; charset=utf-8", POSTERS_JS)))
}

async fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body)
}

/// A neutral film-frame drawing, 2:3 like posters.
const PLACEHOLDER_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 300" role="img" aria-label="No poster">
<rect width="200" height="300" fill="#2b2d42"/>
<rect x="20" y="20" width="160" height="260" rx="6" fill="none" stroke="#8d99ae" stroke-width="4"/>
<g fill="#8d99ae"><rect x="6" y="30" width="8" height="14"/><rect x="6" y="70" width="8" height="14"/><rect x="6" y="110" width="8" height="14"/><rect x="6" y="150" width="8" height="14"/><rect x="6" y="190" width="8" height="14"/><rect x="6" y="230" width="8" height="14"/>
<rect x="186" y="30" width="8" height="14"/><rect x="186" y="70" width="8" height="14"/><rect x="186" y="110" width="8" height="14"/><rect x="186" y="150" width="8" height="14"/><rect x="186" y="190" width="8" height="14"/><rect x="186" y="230" width="8" height="14"/></g>
<circle cx="100" cy="135" r="34" fill="none" stroke="#edf2f4" stroke-width="6"/><path d="M90 118 L120 135 L90 152 Z" fill="#edf2f4"/>
</svg>
"##;

const STYLE: &str = r#":root { --ink: #1d1d28; --muted: #5a5a6e; --accent: #9b2335; --paper: #fbfaf7; --card: #fff; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--paper); }
a { color: var(--accent); }
a:focus, button:focus, input:focus, textarea:focus, select:focus { outline: 3px solid #f2a900; outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 2; }
header.site { background: var(--ink); color: #fff; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; justify-content: space-between; }
header.site a { color: #fff; text-decoration: none; font-weight: 600; }
header.site nav a { font-weight: 400; text-decoration: underline; margin-left: .75rem; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0 1rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
form.search { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: 1rem 0; }
form.search label { width: 100%; font-weight: 600; }
form.search textarea { flex: 1 1 16rem; font: inherit; padding: .6rem; border: 1px solid var(--muted); border-radius: 4px; }
form.search input[type=search] { flex: 1 1 16rem; font-size: 1rem; padding: .6rem; border: 1px solid var(--muted); border-radius: 4px; }
button { font-size: 1rem; padding: .6rem 1.1rem; border: 0; border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
ul.films { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(9.5rem, 1fr)); gap: 1rem; }
ul.films li { background: var(--card); border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.12); overflow: hidden; }
ul.films a { text-decoration: none; color: inherit; display: block; }
ul.films .text { padding: .5rem .6rem .7rem; }
ul.films .title, ul.films .meta, ul.films .reason { display: block; } ul.films .title { font-weight: 600; }
ul.films .meta, .reason { color: var(--muted); font-size: .9rem; } ul.films .reason { margin-top: .35rem; font-style: italic; }
.poster { display: block; overflow: hidden; aspect-ratio: 2 / 3; width: 100%; background: #2b2d42 url(/assets/poster-placeholder.svg) center / cover no-repeat; }
.poster img { display: block; width: 100%; height: 100%; object-fit: cover; color: #edf2f4; font-size: .8rem; }
.film { display: grid; grid-template-columns: minmax(10rem, 16rem) 1fr; gap: 1.5rem; align-items: start; }
@media (max-width: 40rem) { .film { grid-template-columns: 1fr; } .film .poster { max-width: 14rem; } }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; } dl.facts dt { font-weight: 600; }
ol.similar { padding-left: 1.25rem; } ol.similar li { margin: .75rem 0; display: grid; grid-template-columns: 4rem 1fr; gap: .75rem; align-items: center; }
ol.similar .poster { width: 4rem; }
.notice { background: #fff; border-left: 4px solid var(--accent); padding: .75rem 1rem; }
footer { color: var(--muted); font-size: .85rem; text-align: center; padding: 2rem 1rem; }
form.subscribe { display: grid; gap: .4rem; max-width: 36rem; }
form.subscribe label { font-weight: 600; margin-top: .5rem; }
form.subscribe input[type=text], form.subscribe input[type=email], form.subscribe input[type=tel], form.subscribe textarea, form.owner input, form.owner select, form.owner textarea { font: inherit; padding: .55rem; border: 1px solid var(--muted); border-radius: 4px; width: 100%; }
form.subscribe button, form.owner button { justify-self: start; margin-top: 1rem; }
fieldset { border: 1px solid #ddd; border-radius: 6px; margin: .75rem 0 0; padding: .5rem .9rem .75rem; } legend { font-weight: 600; padding: 0 .3rem; }
label.choice { font-weight: 400 !important; display: inline-flex; gap: .35rem; align-items: center; margin: .2rem 1rem .2rem 0; }
fieldset.genres { columns: 12rem; } fieldset.genres label.choice { display: flex; }
label.consent { margin-top: 1rem; align-items: flex-start; }
form.subscribe label.choice { margin-top: .2rem; }
.error { display: block; color: #b00020; font-size: .92rem; } .error::first-letter { text-transform: uppercase; } [aria-invalid=true] { border-color: #b00020 !important; }
form.inline { display: inline; margin-left: .75rem; }
button.link { background: none; color: #fff; padding: 0; text-decoration: underline; font-size: inherit; }
span.status { padding: .1rem .45rem; border-radius: 3px; background: #e8e2d8; } span.status.succeeded { background: #d8f0dc; } span.status.failed { background: #f8d7da; }
section.tool { background: #fff; padding: .5rem 1rem 1rem; margin: 1rem 0; border-radius: 6px; }
section.operation { background: #fff; padding: .5rem 1rem; margin: 1rem 0; border-radius: 6px; }
"#;

/// A poster that fails to load (a host down, offline) is replaced by the placeholder, rather than the browser's
/// broken-image icon over it; without the script the placeholder still shows behind, with the alt text.
const POSTERS_JS: &str = r#""use strict";
(function () {
  var placeholder = "/assets/poster-placeholder.svg";
  function fallBack(img) {
    if (img.getAttribute("src") === placeholder) return;
    img.src = placeholder;
  }
  // Errors after this script ran, caught as they happen (error events do not bubble: listen in capture).
  document.addEventListener("error", function (event) {
    var img = event.target;
    if (img && img.tagName === "IMG" && img.closest(".poster")) fallBack(img);
  }, true);
  // Errors before it ran: images already complete with nothing to show.
  Array.prototype.forEach.call(document.querySelectorAll(".poster img"), function (img) {
    if (img.complete && img.naturalWidth === 0) fallBack(img);
  });
})();
"#;

/// Progressive enhancement: without it the search form still works (it posts to /search).
const SUGGEST_JS: &str = r#""use strict";
(function () {
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
"#;
