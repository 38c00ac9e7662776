/* The public complaints map (dustwatch's own code, no build step): one circle marker per
 * complaint (small) and per incident of several complaints (large), red while open, grey
 * once closed. The list under the map says the same without JavaScript. */
(function () {
  "use strict";

  var box = document.getElementById("complaints-map");
  var data = document.getElementById("complaints-map-data");
  if (!box || !data || typeof L === "undefined") return;
  var markers = JSON.parse(data.textContent || "[]");
  var map = L.map(box, { scrollWheelZoom: false, zoomSnap: 0.5 });
  var tiles = L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: box.dataset.attribution });
  tiles.on("tileerror", function () {
    box.classList.add("map-offline");
    var note = document.querySelector(".map-offline-note");
    if (note) note.hidden = false;
  });
  if (markers.length) {
    var bounds = L.latLngBounds(markers.map(function (m) { return [m.latitude, m.longitude]; }));
    map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
  } else {
    map.setView([14.69, 100.87], 12);
  }
  tiles.addTo(map);
  markers.forEach(function (m) {
    var marker = L.circleMarker([m.latitude, m.longitude], {
      radius: m.kind === "incident" ? 14 : 7,
      color: "#1a1a1a",
      weight: m.kind === "incident" ? 3 : 1,
      fillColor: m.closed ? "#9e9e9e" : "#d32f2f",
      fillOpacity: 0.8,
      className: "complaint-marker"
    }).addTo(map);
    marker.bindTooltip(m.label);
    var element = marker.getElement();
    if (element) {
      element.setAttribute("aria-label", m.label);
      element.setAttribute("data-kind", m.kind);
    }
  });
})();
