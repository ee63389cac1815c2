// Draw the charts whose data the server put in <script type="application/json" id="chart-data">.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("chart-data");
    if (!source || typeof Chart === "undefined") return;
    var data = JSON.parse(source.textContent);
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = "#5b6472";
    // A bar leads to its articles: the search its link names.
    function opens(links) {
      return {
        onClick: function (event, bars) {
          var link = bars.length && links ? links[bars[0].index] : "";
          if (link) window.location.href = link;
        },
        onHover: function (event, bars) {
          event.native.target.style.cursor = bars.length ? "pointer" : "default";
        },
      };
    }
    var volume = document.querySelector('canvas[data-chart="volume"]');
    if (volume) {
      new Chart(volume, {
        type: "bar",
        data: {
          labels: data.labels,
          datasets: [{ label: volume.getAttribute("aria-label"), data: data.series,
                       backgroundColor: "#2f6db5", borderRadius: 3 }],
        },
        options: Object.assign(opens(data.series_links), {
                   maintainAspectRatio: false, plugins: { legend: { display: false } },
                   scales: { y: { beginAtZero: true, ticks: { precision: 0 } },
                             x: { grid: { display: false } } } }),
      });
    }
    var outlets = document.querySelector('canvas[data-chart="outlets"]');
    if (outlets) {
      new Chart(outlets, {
        type: "bar",
        data: { labels: data.outlets,
                datasets: [{ data: data.outlet_counts, backgroundColor: "#5a8fcf", borderRadius: 3 }] },
        options: Object.assign(opens(data.outlet_links), {
                   indexAxis: "y", maintainAspectRatio: false,
                   plugins: { legend: { display: false } },
                   scales: { x: { beginAtZero: true, ticks: { precision: 0 } },
                             y: { grid: { display: false } } } }),
      });
    }
    var tones = document.querySelector('canvas[data-chart="tones"]');
    if (tones && data.tones && data.tones.length) {
      new Chart(tones, {
        type: "doughnut",
        data: { labels: data.tones,
                datasets: [{ data: data.tone_counts,
                             backgroundColor: data.tone_colors }] },
        options: { maintainAspectRatio: false, plugins: { legend: { display: false } } },
      });
    }
    var facets = document.querySelector('canvas[data-chart="days"]');
    if (facets) {
      new Chart(facets, {
        type: "bar",
        data: { labels: data.labels, datasets: [{ data: data.series, backgroundColor: "#2f6db5" }] },
        options: Object.assign(opens(data.series_links), {
                   maintainAspectRatio: false, plugins: { legend: { display: false } },
                   scales: { y: { beginAtZero: true, ticks: { precision: 0 } },
                             x: { grid: { display: false } } } }),
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
