// A poster that fails to load (a host down, offline) is replaced by the one the site draws for the film (its
// `data-drawn`), else by the placeholder, rather than the browser's broken-image icon; without the script the
// placeholder still shows behind, with the alt text.
"use strict";
(function () {
  var placeholder = "/assets/poster-placeholder.svg";
  function fallBack(img) {
    var src = img.getAttribute("src");
    var drawn = img.getAttribute("data-drawn");
    // A browser shows srcset before src: a TMDB poster's widths go with it.
    img.removeAttribute("srcset");
    img.removeAttribute("sizes");
    if (drawn && src !== drawn && src !== placeholder) img.src = drawn;
    else if (src !== placeholder) img.src = placeholder;
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
