/* The hour-of-day profile of an action's measured change: two lines, before and after,
 * from the numbers the page also shows in its table. */
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  Chart.defaults.font.family = "Sarabun, system-ui, sans-serif";
  Array.prototype.forEach.call(document.querySelectorAll("canvas[data-action-chart]"), function (canvas) {
    var read = function (name) { return JSON.parse(canvas.getAttribute(name)); };
    var labels = read("data-labels").map(function (h) { return (h < 10 ? "0" : "") + h + ":00"; });
    new Chart(canvas, {
      type: "line",
      data: {
        labels: labels,
        datasets: [
          { label: canvas.dataset.beforeLabel, data: read("data-before"), borderColor: "#8a8a8a", borderDash: [6, 4], spanGaps: true },
          { label: canvas.dataset.afterLabel, data: read("data-after"), borderColor: "#1f6feb", spanGaps: true }
        ]
      },
      options: { responsive: true, maintainAspectRatio: false, animation: false, scales: { y: { beginAtZero: true } } }
    });
  });
})();
