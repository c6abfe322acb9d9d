/* Lay out every procedure diagram on the page with Graphviz (Viz.js, WebAssembly, served by this
   site: no internet needed). The server writes the DOT into data-dot; the SVG is put inline in the
   page as soon as it is drawn, so the page prints with its diagrams. Loaded once however many
   diagrams the page holds. */
(function () {
  "use strict";
  if (window.bdDiagrams) { return; }
  window.bdDiagrams = true;
  var script = document.currentScript;
  var vizUrl = script && script.getAttribute("data-viz");
  var MIN_SCALE = 0.72;

  // On paper the whole diagram fits the page width (no sideways scrolling there).
  var printStyle = document.createElement("style");
  printStyle.textContent = "@media print { figure.bd-graphviz svg { min-width: 0 !important; max-width: 100% !important; }" +
    " figure.bd-graphviz .bd-graphviz-out { overflow: visible !important; } figure.bd-graphviz { break-inside: avoid; } }";
  document.head.appendChild(printStyle);

  function loadViz() {
    return new Promise(function (resolve, reject) {
      if (window.Viz) { resolve(window.Viz); return; }
      var s = document.createElement("script");
      s.src = vizUrl;
      s.onload = function () { resolve(window.Viz); };
      s.onerror = function () { reject(new Error("Could not load " + vizUrl)); };
      document.head.appendChild(s);
    });
  }

  // A diagram wider than its box opens scrolled to the state that matters (the case's state now, or
  // where most cases wait), not to its left edge, which may be empty.
  function scrollToFocus(figure, out, svg) {
    var focus = figure.getAttribute("data-focus");
    if (!focus || out.scrollWidth <= out.clientWidth) { return; }
    var node = svg.querySelector('[id="bd-state-' + focus.replace(/"/g, "") + '"]');
    if (!node) { return; }
    var box = node.getBoundingClientRect();
    var frame = out.getBoundingClientRect();
    out.scrollLeft += box.left + box.width / 2 - (frame.left + frame.width / 2);
  }

  function drawAll() {
    var figures = document.querySelectorAll("figure.bd-graphviz:not([data-drawn])");
    if (!figures.length) { return Promise.resolve(); }
    return loadViz().then(function (Viz) { return Viz.instance(); }).then(function (viz) {
      figures.forEach(function (figure) {
        var out = figure.querySelector(".bd-graphviz-out");
        try {
          var svg = viz.renderSVGElement(figure.getAttribute("data-dot"));
          svg.setAttribute("class", "bd-diagram");
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", figure.querySelector("figcaption").textContent);
          // Fit the width of the page, but never shrink below MIN_SCALE of Graphviz's own size, so
          // that labels stay legible on a projector: a wider diagram scrolls sideways instead.
          var natural = parseFloat(svg.getAttribute("width")) * 96 / 72;
          svg.removeAttribute("width");
          svg.removeAttribute("height");
          svg.style.width = "100%";
          svg.style.height = "auto";
          svg.style.maxWidth = natural + "px";
          svg.style.minWidth = Math.round(natural * MIN_SCALE) + "px";
          out.style.overflowX = "auto";
          out.replaceChildren(svg);
          scrollToFocus(figure, out, svg);
          var fold = figure.closest("details");
          if (fold) {  // drawn folded (no width yet): scroll when it is opened
            fold.addEventListener("toggle", function () { if (fold.open) { scrollToFocus(figure, out, svg); } });
          }
          var fallback = figure.querySelector(".bd-graphviz-fallback");
          if (fallback) { fallback.hidden = true; }
          figure.setAttribute("data-drawn", "svg");
        } catch (err) {
          figure.setAttribute("data-drawn", "error");
          out.textContent = "The diagram could not be drawn: " + err.message;
        }
      });
    }).catch(function (err) {
      figures.forEach(function (figure) { figure.setAttribute("data-drawn", "error"); });
      if (window.console) { console.error(err); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  window.addEventListener("beforeprint", drawAll);
})();
