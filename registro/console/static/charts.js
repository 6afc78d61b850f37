// Draws the charts whose Plotly figures the page carries in <script type="application/json" id="card-charts">
// (prepared server-side by registro/console/charts.py). Without JavaScript each chart's Table has the numbers.
(function () {
  "use strict";
  var holder = document.getElementById("card-charts");
  if (!holder || !window.Plotly) return;
  var figures = JSON.parse(holder.textContent);
  var config = {
    responsive: true,
    displaylogo: false,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var figure = figures[el.getAttribute("data-chart")];
    if (!figure) return;
    el.textContent = "";
    el.classList.add("drawn");
    // On a narrow window a heat map's colour bar takes room the cells need; the numbers are in the cells.
    if (el.clientWidth < 520) {
      figure.data.forEach(function (trace) { if (trace.type === "heatmap") trace.showscale = false; });
      figure.layout.margin = { l: 48, r: 8, t: 8, b: 48 };
      // Slanted labels run right of their tick and Plotly hides one that would pass the chart's edge (the last
      // column of a heat map): upright ones stay over their tick. Numbered axes keep their level ticks.
      if (figure.layout.xaxis && figure.layout.xaxis.tickmode === "array") figure.layout.xaxis.tickangle = 90;
    }
    window.Plotly.newPlot(el, figure.data, figure.layout, config);
  });
})();
