// The statistics page's charts, drawn from /api/stats with ECharts (SVG); the tables beside them
// carry the same numbers and links, so nothing depends on this file.
(function () {
  var page = document.getElementById("stats");
  if (!page || !window.echarts || !window.fetch) {
    return;
  }
  var COLORS = ["#b3261e", "#1d4f91", "#1e6b34", "#8a5300", "#6b3fa0", "#00707a", "#a2185b", "#5c6670",
                "#d9731a", "#3a7bd5", "#7aa33a", "#c0392b"];

  function matrix(table) {
    // One bar per row (a problem type), stacked by column (a province, a year...).
    var series = table.columns.map(function (column, j) {
      return {
        name: column, type: "bar", stack: "all", emphasis: { focus: "series" },
        data: table.rows.map(function (row, i) { return { value: table.cells[i][j], link: table.links[i][j] }; })
      };
    });
    return {
      color: COLORS, tooltip: { trigger: "item" }, legend: { type: "scroll", top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "value", name: table.unit },
      yAxis: { type: "category", data: table.rows, inverse: true, axisLabel: { width: 150, overflow: "truncate" } },
      series: series
    };
  }

  function rates(table) {
    // Completion: the two rates per row, as bars (percent).
    var problems = table.columns.indexOf("整改率"), measures = table.columns.indexOf("完成率");
    function bars(column, name) {
      return {
        name: name, type: "bar",
        data: table.rows.map(function (row, i) { return { value: table.cells[i][column], link: table.row_links[i] }; })
      };
    }
    return {
      color: COLORS, tooltip: { trigger: "item", valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
      legend: { top: 0 }, grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: table.rows, axisLabel: { interval: 0, rotate: table.rows.length > 6 ? 30 : 0 } },
      yAxis: { type: "value", max: 100, name: "%" },
      series: [bars(problems, "问题整改率"), bars(measures, "措施完成率")]
    };
  }

  function ranking(table) {
    return {
      color: COLORS, tooltip: { trigger: "item" },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", name: "份" },
      yAxis: { type: "category", data: table.rows, inverse: true, axisLabel: { width: 220, overflow: "truncate" } },
      series: [{ type: "bar", name: "通报",
                 data: table.rows.map(function (row, i) { return { value: table.cells[i][0], link: table.row_links[i] }; }) }]
    };
  }

  function draw(table) {
    var box = document.getElementById("chart-" + table.name);
    if (!box || !table.rows.length) {
      return;
    }
    var option = table.name.indexOf("completion_") === 0 ? rates(table)
      : (table.columns.length === 2 && table.columns[0] === "通报" ? ranking(table) : matrix(table));
    box.style.height = Math.max(220, Math.min(560, 40 + table.rows.length * 26)) + "px";
    var chart = window.echarts.init(box, null, { renderer: "svg" });
    // No growing bars for people who asked their system for less motion.
    option.animation = !(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
    chart.setOption(option);
    chart.on("click", function (params) {
      if (params.data && params.data.link) {
        window.location.href = params.data.link;
      }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  fetch(page.getAttribute("data-api"), { headers: { Accept: "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) { (data.tables || []).forEach(draw); });
})();
