// budgetlens map: a choropleth of need, dollars per resident or the gap by
// area, drawn with Leaflet from the server's GeoJSON, with no base map
// unless one is configured. Every area is reachable by keyboard (its shape,
// the search box and the table), and selecting one loads its profile,
// rendered by the server, into the panel beside the map.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || typeof L === "undefined") { return; }
  var d = el.dataset;
  var lang = d.lang || "en";
  var measure = d.measure || "need";
  var field = { need: "need_score", per_capita: "per_capita", gap: "per_capita_gap" }[measure] || "need_score";
  var seq = ["sw0", "sw1", "sw2", "sw3", "sw4"], seqFill = ["#fde725", "#5ec962", "#21918c", "#3b528b", "#440154"];
  var div = ["dv0", "dv1", "dv2", "dv3", "dv4"], divFill = ["#b35806", "#f1a340", "#f7f7f7", "#998ec3", "#542788"];
  var diverging = measure === "gap";
  var numFmt = new Intl.NumberFormat(lang === "es" ? "es" : "en", { maximumFractionDigits: measure === "need" ? 1 : 0 });
  var fmt = function (v) { return (measure === "need" ? "" : "$") + numFmt.format(v); };
  var profile = document.getElementById("profile");
  var map = L.map(el, { zoomSnap: 0.25, attributionControl: !!d.tiles, keyboard: true });
  if (d.tiles) { L.tileLayer(d.tiles, { attribution: d.tilesAttribution || "" }).addTo(map); }
  var byId = {}, layerGroup = null, selected = null, breaks = [];

  function classOf(v) {
    if (v === null || v === undefined || isNaN(v)) { return -1; }
    for (var i = 0; i < breaks.length - 1; i++) { if (v <= breaks[i + 1]) { return i; } }
    return breaks.length - 2;
  }
  function fillOf(v) {
    var c = classOf(v);
    if (c < 0) { return "#d9d9d9"; }
    return diverging ? divFill[c] : seqFill[c];
  }
  function computeBreaks(values) {
    var vs = values.filter(function (v) { return v !== null && !isNaN(v); }).sort(function (a, b) { return a - b; });
    if (!vs.length) { return []; }
    if (diverging) {
      var a = Math.max(Math.abs(vs[0]), Math.abs(vs[vs.length - 1])) || 1;
      return [-a, -0.6 * a, -0.2 * a, 0.2 * a, 0.6 * a, a];
    }
    var b = [vs[0]];
    for (var i = 1; i <= 5; i++) { b.push(vs[Math.min(vs.length - 1, Math.ceil(i * vs.length / 5) - 1)]); }
    return b;
  }
  function drawLegend() {
    var lg = document.getElementById("legend");
    if (!lg) { return; }
    lg.textContent = "";
    var title = document.createElement("strong");
    title.textContent = d["label" + measure.replace(/^./, function (c) { return c.toUpperCase(); }).replace("_c", "C")] || el.getAttribute("data-label-" + measure);
    lg.appendChild(title);
    for (var i = 0; i + 1 < breaks.length; i++) {
      var item = document.createElement("span");
      var sw = document.createElement("span");
      sw.className = "swatch " + (diverging ? div[i] : seq[i]);
      sw.setAttribute("aria-hidden", "true");
      item.appendChild(sw);
      item.appendChild(document.createTextNode(fmt(breaks[i]) + " – " + fmt(breaks[i + 1])));
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
  function style(f) {
    return { fillColor: fillOf(f.properties[field]), color: "#333333", weight: 1, fillOpacity: 0.85 };
  }
  function select(id, focus) {
    var lyr = byId[id];
    if (!lyr) { return false; }
    if (selected && selected.setStyle) { layerGroup.resetStyle(selected); }
    selected = lyr;
    if (lyr.setStyle) { lyr.setStyle({ weight: 4, color: "#000000" }); lyr.bringToFront(); }
    if (lyr.getBounds) { map.fitBounds(lyr.getBounds(), { maxZoom: map.getZoom(), padding: [40, 40] }); }
    var url = "/areas/" + encodeURIComponent(d.layer) + "/" + encodeURIComponent(id) + "?fragment=1&fy=" + encodeURIComponent(d.fy) +
      "&phase=" + encodeURIComponent(d.phase) + (lang !== "en" ? "&lang=" + lang : "");
    fetch(url, { headers: { "Accept": "text/html" } }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.text();
    }).then(function (html) {
      profile.innerHTML = html; // rendered and escaped by the server, same origin
      var h = profile.querySelector("h1");
      profile.setAttribute("aria-labelledby", h ? "area-title" : "profile-h");
      if (focus && h) { h.focus(); }
      profile.dataset.area = id;
    }).catch(function () { profile.textContent = "—"; });
    return true;
  }
  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return []; }
    var exact = [], part = [];
    Object.keys(byId).forEach(function (id) {
      var name = (byId[id].feature.properties.name || "").toLowerCase();
      if (id.toLowerCase() === q || name === q || id.replace(/^0+/, "") === q.replace(/^0+/, "")) { exact.push(id); }
      else if (name.indexOf(q) >= 0) { part.push(id); }
    });
    return exact.length ? exact : part;
  }
  fetch(d.geojson).then(function (r) { return r.json(); }).then(function (gj) {
    breaks = computeBreaks(gj.features.map(function (f) { return f.properties[field]; }));
    layerGroup = L.geoJSON(gj, {
      style: style,
      pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 5 }); },
      onEachFeature: function (f, lyr) {
        byId[f.id] = lyr;
        lyr.on("click", function () { select(f.id, false); });
        lyr.on("add", function () {
          var p = lyr.getElement && lyr.getElement();
          if (!p) { return; }
          p.setAttribute("tabindex", "0");
          p.setAttribute("role", "button");
          var v = f.properties[field];
          p.setAttribute("aria-label", (f.properties.name || f.id) + ": " + (v === null || v === undefined ? (d.nodata || "no data") : fmt(v)));
          p.setAttribute("data-area", f.id);
          p.addEventListener("keydown", function (e) {
            if (e.key === "Enter" || e.key === " ") { e.preventDefault(); select(f.id, true); }
          });
        });
      }
    }).addTo(map);
    map.fitBounds(layerGroup.getBounds());
    drawLegend();
    el.setAttribute("data-ready-ms", String(Math.round(performance.now())));
    el.setAttribute("data-ready", "1");
    if (d.area) {
      var hits = find(d.area);
      if (hits.length) { select(hits[0], false); }
    }
  });
  var form = document.getElementById("search-form");
  if (form) {
    form.addEventListener("submit", function (e) {
      var hits = find(document.getElementById("area-search").value);
      if (hits.length >= 1) { e.preventDefault(); select(hits[0], true); }
    });
  }
  var table = document.getElementById("area-table");
  if (table) {
    table.addEventListener("click", function (e) {
      var a = e.target.closest("a[data-area]");
      if (a && select(a.getAttribute("data-area"), true)) { e.preventDefault(); el.scrollIntoView({ block: "nearest" }); }
    });
  }
}());
