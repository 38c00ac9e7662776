/* The report form's "Use my location" button (dustwatch's own code, no build step).
 *
 * Without JavaScript, or without permission, the form still works with the village list:
 * the button stays hidden until this script shows it, and it only fills in the latitude
 * and longitude fields, which the person can see and clear.
 */
(function () {
  "use strict";

  var button = document.getElementById("locate");
  if (!button || !navigator.geolocation) {
    return;
  }
  var status = document.getElementById("locate-status");
  var latitude = document.getElementById("latitude");
  var longitude = document.getElementById("longitude");
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        latitude.value = position.coords.latitude.toFixed(5);
        longitude.value = position.coords.longitude.toFixed(5);
        status.textContent = "";
      },
      function () {
        status.textContent = button.dataset.failed;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
