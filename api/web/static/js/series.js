/* Draws the charts whose points are on the page itself (canvas[data-series]): a target's
   indicator over time beside the path it should follow. The table next to each chart says
   the same in text. */
(function () {
  "use strict";
  function draw(canvas) {
    var series = JSON.parse(canvas.dataset.series || "{}");
    new Chart(canvas, {
      type: "line",
      data: {
        labels: series.labels,
        datasets: [
          { label: canvas.dataset.valueLabel, data: series.values, borderColor: "#1f5f99",
            backgroundColor: "#1f5f99", spanGaps: false, tension: 0 },
          { label: canvas.dataset.pathLabel, data: series.expected, borderColor: "#7a7a7a",
            borderDash: [6, 4], pointRadius: 0, tension: 0 }
        ]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { y: { beginAtZero: true } }
      }
    });
  }
  document.querySelectorAll("canvas[data-series]").forEach(draw);
})();
