/* Trend charts of the integration pages (Chart.js, vendored). No inline script: the data
   comes from the <script type="application/json" id="chart-data"> that json_script writes. */
(function () {
  "use strict";

  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  // The words drawn on the canvas, translated by the server (integration/views.py).
  var wordsSource = document.getElementById("chart-words");
  var words = wordsSource ? JSON.parse(wordsSource.textContent) : {};
  var bandNames = words.bands || {};
  var DAY = 24 * 60 * 60 * 1000;

  var BAND_COLOURS = {
    "minimal": "rgba(25, 135, 84, 0.10)",
    "mild": "rgba(255, 193, 7, 0.12)",
    "moderate": "rgba(253, 126, 20, 0.12)",
    "moderately severe": "rgba(220, 53, 69, 0.10)",
    "severe": "rgba(220, 53, 69, 0.18)"
  };

  function toPoints(rows) {
    return rows.map(function (row) { return { x: Date.parse(row.x + "T12:00:00"), y: row.y }; });
  }

  function dateLabel(value) {
    var lang = document.documentElement.lang || undefined;
    return new Date(value).toLocaleDateString(lang, { month: "short", day: "numeric" });
  }

  // The x-axis labels the server chose (integration/trend_axis.py): distinct days, thinned.
  var xTicks = (data.x_ticks || []).map(function (tick) {
    return { value: Date.parse(tick.x + "T12:00:00"), label: tick.label };
  });
  var xLabels = {};
  xTicks.forEach(function (tick) { xLabels[tick.value] = tick.label; });

  // Shades the score bands behind the line, names each band that has room for its name,
  // and marks each dosing session with a line.
  var backdrop = {
    id: "portalBackdrop",
    beforeDatasetsDraw: function (chart, args, options) {
      var ctx = chart.ctx, area = chart.chartArea, y = chart.scales.y, x = chart.scales.x;
      ctx.save();
      (options.bands || []).forEach(function (band) {
        var top = y.getPixelForValue(band.to + 0.5), bottom = y.getPixelForValue(band.from - 0.5);
        top = Math.max(top, area.top); bottom = Math.min(bottom, area.bottom);
        ctx.fillStyle = BAND_COLOURS[band.label] || "rgba(0,0,0,0.04)";
        ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
        if (bottom - top >= 14) {
          ctx.fillStyle = "#495057";
          ctx.font = "11px system-ui, sans-serif";
          ctx.textAlign = "right";
          ctx.textBaseline = "top";
          ctx.fillText(bandNames[band.label] || band.label, area.right - 4, top + 2);
        }
      });
      ctx.strokeStyle = "rgba(15, 92, 99, 0.55)";
      ctx.setLineDash([4, 4]);
      (options.sessions || []).forEach(function (session) {
        var px = x.getPixelForValue(Date.parse(session.x + "T12:00:00"));
        if (px < area.left || px > area.right) { return; }
        ctx.beginPath(); ctx.moveTo(px, area.top); ctx.lineTo(px, area.bottom); ctx.stroke();
      });
      ctx.restore();
    }
  };

  function xRange() {
    var all = [].concat(data.phq9, data.gad7, data.mood, data.sessions)
      .map(function (row) { return Date.parse(row.x + "T12:00:00"); });
    if (!all.length) { return {}; }
    return { min: Math.min.apply(null, all) - DAY, max: Math.max.apply(null, all) + DAY };
  }

  function draw(canvasId, label, rows, max, bands, colour, yTicks) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) { return; }
    var range = xRange();
    var radius = rows.length > 120 ? 0 : 3;
    new Chart(canvas, {
      type: "line",
      data: { datasets: [{
        label: label, data: toPoints(rows), borderColor: colour, backgroundColor: colour,
        tension: 0.2,
        // The intake's score, the first point, stands out: a larger hollow square.
        pointStyle: rows.map(function (row) { return row.intake ? "rectRot" : "circle"; }),
        pointRadius: rows.map(function (row) { return row.intake ? 6 : radius; })
      }] },
      options: {
        animation: false, maintainAspectRatio: false, parsing: false,
        scales: {
          x: { type: "linear", min: range.min, max: range.max,
               afterBuildTicks: function (scale) {
                 if (xTicks.length) { scale.ticks = xTicks.map(function (t) { return { value: t.value }; }); }
               },
               ticks: { autoSkip: true, maxRotation: 0,
                        callback: function (value) { return xLabels[value] || dateLabel(value); } } },
          y: { min: 0, max: max,
               afterBuildTicks: function (scale) {
                 scale.ticks = yTicks.map(function (v) { return { value: v }; });
               } }
        },
        plugins: {
          legend: { display: false },
          tooltip: { callbacks: { title: function (items) {
            var row = rows[items[0].dataIndex];
            return dateLabel(items[0].parsed.x) + (row && row.intake ? " (" + (words.intake || "intake") + ")" : "");
          } } },
          portalBackdrop: { bands: bands, sessions: data.sessions }
        }
      },
      plugins: [backdrop]
    });
    canvas.dataset.rendered = "true";
  }

  draw("chart-phq9", "PHQ-9", data.phq9, 27, data.bands.phq9, "#0f5c63", data.y_ticks.phq9);
  draw("chart-gad7", "GAD-7", data.gad7, 21, data.bands.gad7, "#6f42c1", data.y_ticks.gad7);
  draw("chart-mood", words.mood || "Mood", data.mood, 10, [], "#d63384", data.y_ticks.mood);
}());
