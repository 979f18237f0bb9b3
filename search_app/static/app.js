// Progressive enhancement only: the pages work the same without this file.
// On a phone the filters start folded, so the hits are the first thing seen;
// on a wide screen, where the fold has no handle, they are always open.
(function () {
  var filters = document.querySelector("details.filters");
  if (!filters || !window.matchMedia) {
    return;
  }
  var narrow = window.matchMedia("(max-width: 52rem)");
  function fit() {
    filters.open = !narrow.matches;
  }
  fit();
  narrow.addEventListener("change", fit);
})();
