/* The complaint form's nearby incidents (dustwatch's own code, no build step).
 *
 * Once a place (village, or latitude and longitude) and a time are given, the open incidents
 * near them are fetched and offered as choices: the reporter may add to one instead of
 * starting anew. Without JavaScript the form sends the complaint on its own, and dustwatch
 * still groups it with the same event by itself.
 */
(function () {
  "use strict";

  var box = document.getElementById("incidents");
  var choices = document.getElementById("incident-choices");
  if (!box || !choices || !window.fetch) return;
  var village = document.getElementById("village");
  var latitude = document.getElementById("latitude");
  var longitude = document.getElementById("longitude");
  var time = document.getElementById("time");
  var lang = document.documentElement.lang || "th";

  function describe(incident) {
    var when = new Date(incident.started_at).toLocaleString(lang === "th" ? "th-TH" : "en-GB", {
      day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"
    });
    var count = box.dataset.complaints.replace("{count}", incident.complaint_count);
    return [incident.village || "", when, count].filter(Boolean).join(" · ");
  }

  function show(incidents) {
    choices.textContent = "";
    incidents.forEach(function (incident) {
      var label = document.createElement("label");
      label.className = "kind-choice";
      var input = document.createElement("input");
      input.type = "radio";
      input.name = "incident";
      input.value = incident.id;
      var text = document.createElement("span");
      text.textContent = describe(incident);
      label.appendChild(input);
      label.appendChild(document.createTextNode(" "));
      label.appendChild(text);
      choices.appendChild(label);
    });
    box.hidden = incidents.length === 0 && !box.querySelector("input[name=incident][value]:checked:not([value=''])");
  }

  function lookUp() {
    var params = new URLSearchParams();
    if (latitude.value && longitude.value) {
      params.set("latitude", latitude.value);
      params.set("longitude", longitude.value);
    } else if (village.value) {
      params.set("village", village.value);
    } else {
      show([]);
      return;
    }
    if (time.value) params.set("time", time.value + ":00" + box.dataset.offset);
    fetch(box.dataset.url + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(show)
      .catch(function () { show([]); });
  }

  [village, latitude, longitude, time].forEach(function (field) {
    if (field) field.addEventListener("change", lookUp);
  });
  lookUp();
})();
