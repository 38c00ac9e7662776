/* The public pages' map, charts and self-refresh (dustwatch's own code, no build step).
 *
 * - The map (Leaflet) draws each station as a circle marker in its Thai AQI band's colour:
 *   circle markers are SVG, so the stations show at their positions even when the
 *   OpenStreetMap tiles cannot load (offline); the map box has a plain background.
 * - Charts (Chart.js) read GET /stations/{code}/hourly, one line per station: the last
 *   `data-hours` hours, or those before `data-end` (a past window, such as an alert's).
 * - Every minute the page fetches itself again and swaps in the parts marked data-live
 *   (the words, bands and freshness are rendered by the server in the page's language),
 *   recolours the markers and reloads the charts; the map keeps its zoom and position.
 */
(function () {
  "use strict";

  var lang = document.documentElement.lang || "th";
  var script = document.currentScript;
  var refreshSeconds = Number(script && script.dataset.refreshSeconds) || 0;
  var markers = {};
  var charts = [];
  var map = null;

  function readMapData(root) {
    var element = root.getElementById("map-data");
    return element ? JSON.parse(element.textContent || "[]") : [];
  }

  function tooltip(station) {
    var text = station.name + (station.band ? " · " + station.band : "");
    if (station.aqi !== null && station.aqi !== undefined) text += " · AQI " + station.aqi;
    return text;
  }

  function drawMarker(station) {
    var marker = markers[station.code];
    if (!marker) {
      marker = L.circleMarker([station.latitude, station.longitude], {
        radius: 11,
        color: "#1a1a1a",
        weight: 2,
        fillOpacity: 0.95,
        className: "station-marker"
      });
      marker.bindTooltip("", { direction: "top", offset: [0, -10] });
      marker.on("click", function () { window.location.href = station.url; });
      marker.addTo(map);
      markers[station.code] = marker;
      var element = marker.getElement();
      element.setAttribute("data-station", station.code);
      element.setAttribute("role", "link");
    }
    marker.setStyle({ fillColor: station.colour });
    marker.setTooltipContent(tooltip(station));
    var path = marker.getElement();
    path.setAttribute("data-colour", station.colour);
    path.setAttribute("aria-label", tooltip(station));
  }

  function setUpMap() {
    var box = document.getElementById("map");
    if (!box || typeof L === "undefined") return;
    var stations = readMapData(document);
    map = L.map(box, { scrollWheelZoom: false, zoomSnap: 0.5, zoomControl: false });
    L.control.zoom({ zoomInTitle: box.dataset.zoomIn, zoomOutTitle: box.dataset.zoomOut }).addTo(map);
    var tiles = L.tileLayer(box.dataset.tiles, {
      maxZoom: 18,
      attribution: box.dataset.attribution
    });
    tiles.on("tileerror", function () {
      box.classList.add("map-offline");
      var note = document.querySelector(".map-offline-note");
      if (note) note.hidden = false;
    });
    // The view first: markers get their SVG element only on a map that has one.
    if (stations.length) {
      var bounds = L.latLngBounds(stations.map(function (s) { return [s.latitude, s.longitude]; }));
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 14 });
    } else {
      map.setView([14.69, 100.87], 12);
    }
    tiles.addTo(map);
    stations.forEach(drawMarker);
  }

  function hourFormat(hours, zone) {
    var options = { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    if (hours > 24) {
      options = { timeZone: zone, day: "numeric", month: "short", hour: "2-digit", hourCycle: "h23" };
    }
    return new Intl.DateTimeFormat(lang === "th" ? "th-TH" : "en-GB", options);
  }

  var LINE_COLOURS = ["#1f4e79", "#b3261e", "#2e7d32", "#6a1b9a", "#e65100", "#00695c"];

  function loadChart(canvas) {
    var stations = JSON.parse(canvas.dataset.stations || "[]");
    var hours = Number(canvas.dataset.hours);
    var parameter = canvas.dataset.parameter;
    var requests = stations.map(function (station) {
      var url = "/stations/" + encodeURIComponent(station.code) + "/hourly?parameter=" +
        encodeURIComponent(parameter) + "&hours=" + hours +
        (canvas.dataset.end ? "&end=" + encodeURIComponent(canvas.dataset.end) : "");
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        return response.ok ? response.json() : null;
      });
    });
    return Promise.all(requests).then(function (series) {
      var found = series.filter(function (s) { return s !== null; });
      var empty = canvas.closest("figure").querySelector(".chart-empty");
      var any = found.some(function (s) {
        return s.hours.some(function (h) { return h.mean !== null; });
      });
      if (empty) empty.hidden = any;
      if (!found.length) return;
      var format = hourFormat(hours, found[0].time_zone);
      var labels = found[0].hours.map(function (h) { return format.format(new Date(h.hour)); });
      var datasets = found.map(function (s, index) {
        return {
          label: stations[index] ? stations[index].name : s.station,
          data: s.hours.map(function (h) { return h.mean; }),
          borderColor: LINE_COLOURS[index % LINE_COLOURS.length],
          backgroundColor: LINE_COLOURS[index % LINE_COLOURS.length],
          pointRadius: hours > 24 ? 0 : 2,
          borderWidth: 2,
          spanGaps: false
        };
      });
      if (found[0].standard_limit !== null) {
        datasets.push({
          label: canvas.dataset.standardLabel + " (" + found[0].standard_limit + ")",
          data: labels.map(function () { return found[0].standard_limit; }),
          borderColor: "#c62828",
          borderDash: [6, 4],
          borderWidth: 2,
          pointRadius: 0
        });
      }
      var existing = Chart.getChart(canvas);
      if (existing) {
        existing.data.labels = labels;
        existing.data.datasets = datasets;
        existing.update("none");
        return;
      }
      charts.push(new Chart(canvas, {
        type: "line",
        data: { labels: labels, datasets: datasets },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: false,
          interaction: { mode: "index", intersect: false },
          scales: {
            x: { ticks: { maxTicksLimit: 7, maxRotation: 0 } },
            y: { beginAtZero: true, title: { display: true, text: canvas.dataset.unit } }
          },
          plugins: { legend: { position: "bottom", labels: { boxWidth: 14 } } }
        }
      }));
    });
  }

  function loadCharts() {
    if (typeof Chart === "undefined") return Promise.resolve();
    Chart.defaults.font.family = "Sarabun, system-ui, sans-serif";
    var canvases = Array.prototype.slice.call(document.querySelectorAll("canvas[data-chart]"));
    return Promise.all(canvases.map(loadChart));
  }

  function liveIds(root) {
    return Array.prototype.map.call(root.querySelectorAll("[data-live]"), function (e) {
      return e.id;
    }).join(" ");
  }

  /* Fetch this page again and swap in what changed; a change in which parts exist (a new
     village, the first reading) reloads the page. */
  function refresh() {
    return fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        if (liveIds(fresh) !== liveIds(document)) {
          window.location.reload();
          return;
        }
        Array.prototype.forEach.call(fresh.querySelectorAll("[data-live]"), function (part) {
          var here = document.getElementById(part.id);
          if (here && here.innerHTML !== part.innerHTML) here.innerHTML = part.innerHTML;
        });
        if (map) readMapData(document).forEach(drawMarker);
        return loadCharts();
      })
      .catch(function () { /* offline for a moment: try again at the next turn */ });
  }

  setUpMap();
  var ready = loadCharts();
  window.dustwatch = { map: function () { return map; }, refresh: refresh, ready: ready };
  if (refreshSeconds > 0) window.setInterval(refresh, refreshSeconds * 1000);
})();
