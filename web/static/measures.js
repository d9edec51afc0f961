// budgetlens performance map: a choropleth of one measure (or its
// difference from the city) by area, drawn with Leaflet from the server's
// GeoJSON. Sequential viridis classes for values, a purple-orange
// diverging scale around the midpoint for differences and scores. Every
// area is focusable and names its value; the table below the map holds
// the same figures.
(function () {
  "use strict";
  var el = document.getElementById("measure-map");
  if (!el || typeof L === "undefined") { return; }
  var d = el.dataset;
  var field = d.field || "value";
  var diverging = d.diverging === "1";
  var mid = parseFloat(d.midpoint || "0");
  var seqFill = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"], seq = ["sw0", "sw1", "sw2", "sw3", "sw4"];
  var divFill = ["#b35806", "#f1a340", "#f7f7f7", "#998ec3", "#542788"], div = ["dv0", "dv1", "dv2", "dv3", "dv4"];
  var nf = new Intl.NumberFormat(d.lang === "es" ? "es" : "en", { maximumFractionDigits: 2 });
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!d.tiles, keyboard: true });
  if (d.tiles) { L.tileLayer(d.tiles, { attribution: d.tilesAttribution || "" }).addTo(map); }
  var breaks = [];
  function finite(v) { return v !== null && v !== undefined && !isNaN(v); }
  function computeBreaks(values) {
    var vs = values.filter(finite).sort(function (a, b) { return a - b; });
    if (!vs.length) { return []; }
    if (diverging) {
      var a = Math.max(Math.abs(vs[0] - mid), Math.abs(vs[vs.length - 1] - mid)) || 1;
      return [mid - a, mid - 0.6 * a, mid - 0.2 * a, mid + 0.2 * a, mid + 0.6 * a, mid + a];
    }
    var b = [vs[0]];
    for (var i = 1; i <= 5; i++) { b.push(vs[Math.min(vs.length - 1, Math.ceil(i * vs.length / 5) - 1)]); }
    return b;
  }
  function classOf(v) {
    if (!finite(v) || !breaks.length) { return -1; }
    for (var i = 0; i < breaks.length - 1; i++) { if (v <= breaks[i + 1]) { return i; } }
    return breaks.length - 2;
  }
  function fill(v) {
    var c = classOf(v);
    if (c < 0) { return "#d9d9d9"; }
    return diverging ? divFill[c] : seqFill[c];
  }
  function legend() {
    var lg = document.getElementById("measure-legend");
    if (!lg) { return; }
    lg.textContent = "";
    var title = document.createElement("strong");
    title.textContent = d.title || "";
    lg.appendChild(title);
    for (var i = 0; i + 1 < breaks.length; i++) {
      var item = document.createElement("span");
      var sw = document.createElement("span");
      sw.className = "swatch " + (diverging ? div[i] : seq[i]);
      sw.setAttribute("aria-hidden", "true");
      item.appendChild(sw);
      item.appendChild(document.createTextNode(nf.format(breaks[i]) + " – " + nf.format(breaks[i + 1])));
      lg.appendChild(item);
    }
    var none = document.createElement("span");
    var s2 = document.createElement("span");
    s2.className = "swatch swn";
    s2.setAttribute("aria-hidden", "true");
    none.appendChild(s2);
    none.appendChild(document.createTextNode(d.nodata || "no data"));
    lg.appendChild(none);
  }
  fetch(d.geojson).then(function (r) { return r.json(); }).then(function (gj) {
    breaks = computeBreaks(gj.features.map(function (f) { return f.properties[field]; }));
    var group = L.geoJSON(gj, {
      style: function (f) { return { fillColor: fill(f.properties[field]), color: "#333333", weight: 1, fillOpacity: 0.85 }; },
      onEachFeature: function (f, lyr) {
        lyr.on("add", function () {
          var p = lyr.getElement && lyr.getElement();
          if (!p) { return; }
          var v = f.properties[field];
          p.setAttribute("tabindex", "0");
          p.setAttribute("role", "img");
          p.setAttribute("aria-label", (f.properties.name || f.id) + ": " + (finite(v) ? nf.format(v) : (d.nodata || "no data")));
          p.setAttribute("data-area", f.id);
        });
        lyr.bindTooltip(function () {
          var v = f.properties[field];
          return (f.properties.name || f.id) + ": " + (finite(v) ? nf.format(v) : (d.nodata || "no data"));
        });
      }
    }).addTo(map);
    map.fitBounds(group.getBounds());
    legend();
    el.setAttribute("data-ready", "1");
  });
}());
