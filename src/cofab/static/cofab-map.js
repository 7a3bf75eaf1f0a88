// Site maps: Natural Earth land (world-atlas, vendored) in an equirectangular projection, with
// one dot per site. No tiles and no network: the picture works offline and in screenshots.
(function () {
  "use strict";
  var landPromise = null;
  function land() {
    if (!landPromise) {
      landPromise = fetch("/static/world-land-110m.json").then(function (r) { return r.json(); })
        .then(function (topo) { return topojson.feature(topo, topo.objects.land); });
    }
    return landPromise;
  }
  function project(lon, lat, w, h) { return [(lon + 180) / 360 * w, (90 - lat) / 180 * h]; }
  function ringPath(ring, w, h) {
    var d = "", prev = null;
    ring.forEach(function (pt, i) {
      var p = project(pt[0], pt[1], w, h);
      // break the ring where it jumps across the antimeridian
      var jump = prev && Math.abs(p[0] - prev[0]) > w / 2;
      d += (i === 0 || jump ? "M" : "L") + p[0].toFixed(1) + "," + p[1].toFixed(1);
      prev = p;
    });
    return d + "Z";
  }
  var NS = "http://www.w3.org/2000/svg";
  function draw(el) {
    var sites = JSON.parse(el.getAttribute("data-sites") || "[]");
    var w = 960, h = 480;
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 30 " + w + " " + (h - 110));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", el.getAttribute("data-label") || "map");
    svg.style.width = "100%";
    svg.style.background = "#eef4fa";
    svg.style.borderRadius = "6px";
    el.appendChild(svg);
    land().then(function (geo) {
      var d = "";
      geo.features.forEach(function (f) {
        var g = f.geometry;
        var polys = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
        polys.forEach(function (poly) { poly.forEach(function (ring) { d += ringPath(ring, w, h); }); });
      });
      var path = document.createElementNS(NS, "path");
      path.setAttribute("d", d);
      path.setAttribute("fill", "#d5dde6");
      path.setAttribute("stroke", "#b8c4d1");
      path.setAttribute("stroke-width", "0.5");
      svg.insertBefore(path, svg.firstChild);
    });
    sites.forEach(function (s) {
      if (s.lat === null || s.lon === null || s.lat === undefined) { return; }
      var p = project(s.lon, s.lat, w, h);
      var link = document.createElementNS(NS, "a");
      if (s.url) { link.setAttribute("href", s.url); }
      var dot = document.createElementNS(NS, "circle");
      dot.setAttribute("cx", p[0]); dot.setAttribute("cy", p[1]); dot.setAttribute("r", s.r || 5);
      dot.setAttribute("fill", s.color || "#0b5cad");
      dot.setAttribute("fill-opacity", "0.85");
      dot.setAttribute("stroke", "#fff"); dot.setAttribute("stroke-width", "1.2");
      var title = document.createElementNS(NS, "title");
      title.textContent = s.label || "";
      dot.appendChild(title);
      link.appendChild(dot);
      svg.appendChild(link);
    });
  }
  function init(root) {
    (root || document).querySelectorAll("[data-site-map]:not([data-drawn])").forEach(function (el) {
      el.setAttribute("data-drawn", "1");
      draw(el);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { init(); });
  document.addEventListener("htmx:afterSwap", function (e) { init(e.target); });
})();
