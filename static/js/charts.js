/* Draws the charts of a page (templates/includes/chart.html) with Apache ECharts, from the
   data each figure hands over with json_script; the table beside it stays what a page
   without JavaScript, a screen reader or a printer shows. SVG renderer, ECharts' aria
   descriptions and decal patterns on, the page's language. Tooltips are drawn in the SVG
   (renderMode "richText"): ECharts' HTML tooltips carry style="" attributes, which the
   site's CSP (style-src 'self') refuses. */
(function () {
  "use strict";
  if (typeof window.echarts === "undefined") return;

  var chinese = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
  var locale = chinese ? "ZH" : "EN";
  var numberFormat = new Intl.NumberFormat(chinese ? "zh-CN" : "en", { maximumFractionDigits: 2 });

  function formatNumber(value) {
    return value === null || value === undefined ? "" : numberFormat.format(value);
  }

  function base() {
    return {
      backgroundColor: "#ffffff",
      aria: { enabled: true, decal: { show: true } },
      animation: false,
      tooltip: { renderMode: "richText", confine: true },
    };
  }

  function labels(data) {
    return data.rows.map(function (row) { return row.label; });
  }

  function column(data, index) {
    return data.rows.map(function (row) { return row.values[index]; });
  }

  function pyramid(data, width) {
    var option = base();
    var tiers = labels(data);
    option.tooltip.trigger = "item";
    if (data.columns.length < 2) {
      option.grid = { left: 8, right: 48, top: 8, bottom: 24, containLabel: true };
      option.xAxis = { type: "value", minInterval: 1 };
      option.yAxis = { type: "category", data: tiers };
      option.series = [{
        type: "bar", name: data.columns[0], data: column(data, 0),
        label: { show: true, position: "right", formatter: function (p) { return formatNumber(p.value); } },
      }];
      return option;
    }
    var valueLabel = function (position) {
      return { show: true, position: position, formatter: function (p) { return formatNumber(p.value); } };
    };
    if (width < 600) {
      // On a narrow screen the two sides do not fit beside the tiers' names: the national
      // figures above, the directory's below, each with the names on its left.
      option.legend = { top: 0 };
      option.grid = [
        { left: 16, right: 64, top: 32, height: "34%", containLabel: true },
        { left: 16, right: 64, top: "60%", bottom: 8, containLabel: true },
      ];
      option.xAxis = [0, 1].map(function (index) {
        return { type: "value", gridIndex: index, minInterval: 1, axisLabel: { show: false }, splitLine: { show: false } };
      });
      option.yAxis = [0, 1].map(function (index) {
        return { type: "category", gridIndex: index, data: tiers, axisTick: { show: false },
          axisLabel: { width: Math.max(96, Math.round(width * 0.36)), overflow: chinese ? "breakAll" : "break" } };
      });
      option.series = [0, 1].map(function (index) {
        return { type: "bar", name: data.columns[index], xAxisIndex: index, yAxisIndex: index,
          data: column(data, index), label: valueLabel("right") };
      });
      return option;
    }
    // National figures to the left, the directory's to the right, the tiers between them:
    // two scales, since the directory is not a complete register.
    option.legend = { top: 0, itemGap: 32 };
    option.grid = [
      { left: "8%", width: "28%", top: 36, bottom: 24 },
      { left: "64%", width: "30%", top: 36, bottom: 24 },
    ];
    option.xAxis = [
      { type: "value", gridIndex: 0, inverse: true, axisLabel: { formatter: formatNumber, hideOverlap: true } },
      { type: "value", gridIndex: 1, minInterval: 1, axisLabel: { hideOverlap: true } },
    ];
    option.yAxis = [
      { type: "category", gridIndex: 0, data: tiers, position: "right", axisLabel: { show: false }, axisTick: { show: false } },
      { type: "category", gridIndex: 1, data: tiers, position: "left", axisTick: { show: false },
        axisLabel: { width: 150, overflow: "break", align: "center", margin: 90 } },
    ];
    option.series = [
      { type: "bar", name: data.columns[0], xAxisIndex: 0, yAxisIndex: 0, data: column(data, 0), label: valueLabel("left") },
      { type: "bar", name: data.columns[1], xAxisIndex: 1, yAxisIndex: 1, data: column(data, 1), label: valueLabel("right") },
    ];
    return option;
  }

  function tiles(data) {
    var option = base();
    var max = 1;
    var cells = data.rows.map(function (row) {
      var value = row.values[0] || 0;
      if (value > max) max = value;
      return { name: row.label, value: [row.x, row.y, value] };
    });
    var axis = function (inverse) {
      return { type: "category", data: [0, 1, 2, 3, 4, 5, 6, 7], show: false, inverse: inverse };
    };
    option.grid = { left: 4, right: 4, top: 4, bottom: 48 };
    option.xAxis = axis(false);
    option.yAxis = axis(true);
    option.tooltip.trigger = "item";
    option.tooltip.formatter = function (p) { return p.name + ": " + formatNumber(p.value[2]); };
    option.visualMap = {
      type: "continuous", min: 1, max: max, calculable: false, orient: "horizontal", text: [formatNumber(max), "1"],
      left: "center", bottom: 0, seriesIndex: 0, dimension: 2,
      inRange: { color: ["#cfe3f5", "#08519c"] }, outOfRange: { color: ["#eeeeee"] },
    };
    option.series = [{
      type: "heatmap", name: data.columns[0], data: cells,
      itemStyle: { borderColor: "#ffffff", borderWidth: 2 },
      label: {
        show: true, fontSize: 11,
        formatter: function (p) { return p.value[2] ? p.name + "\n" + formatNumber(p.value[2]) : p.name; },
      },
    }];
    return option;
  }

  function bars(data) {
    var option = base();
    var categories = labels(data);
    var stacked = data.columns.length > 1;
    option.tooltip.trigger = "axis";
    option.grid = { left: 8, right: 48, top: stacked ? 40 : 8, bottom: 24, containLabel: true };
    var categoryAxis = { type: "category", data: categories, axisLabel: { width: 220, overflow: "truncate" } };
    var valueAxis = { type: "value", minInterval: 1 };
    if (stacked) {
      option.legend = { top: 0, type: "scroll" };
      option.xAxis = categoryAxis;
      option.yAxis = valueAxis;
    } else {
      option.xAxis = valueAxis;
      option.yAxis = categoryAxis;
    }
    option.series = data.columns.map(function (name, index) {
      return {
        type: "bar", name: name, data: column(data, index), stack: stacked ? "all" : undefined, barMaxWidth: 48,
        label: { show: !stacked, position: "right", formatter: function (p) { return formatNumber(p.value); } },
      };
    });
    return option;
  }

  function line(data) {
    var option = base();
    option.tooltip.trigger = "axis";
    option.grid = { left: 8, right: 24, top: 16, bottom: 24, containLabel: true };
    option.xAxis = { type: "time" };
    option.yAxis = { type: "value", scale: false, axisLabel: { formatter: formatNumber } };
    option.series = [{
      type: "line", name: data.columns[0], symbolSize: 7,
      data: data.rows.map(function (row) { return [row.label, row.values[0]]; }),
    }];
    return option;
  }

  function progress(data) {
    var option = base();
    var share = data.columns.length - 1;
    data = { columns: data.columns, rows: data.rows.filter(function (row) { return row.values[share] !== null; }) };
    option.tooltip.trigger = "item";
    option.tooltip.formatter = function (p) { return p.name + ": " + formatNumber(p.value) + "%"; };
    option.grid = { left: 8, right: 56, top: 8, bottom: 24, containLabel: true };
    option.xAxis = { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } };
    option.yAxis = { type: "category", data: labels(data), inverse: true, axisLabel: { width: 260, overflow: "truncate" } };
    option.series = [{
      type: "bar", name: data.columns[share], data: column(data, share),
      label: { show: true, position: "right", formatter: function (p) { return formatNumber(p.value) + "%"; } },
    }];
    return option;
  }

  var builders = { pyramid: pyramid, tiles: tiles, bars: bars, line: line, progress: progress };

  function save(href, name) {
    var link = document.createElement("a");
    link.href = href;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  function saveSvg(chart, name) {
    var svg = chart.renderToSVGString();
    var url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    save(url, name + ".svg");
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function savePng(chart, name) {
    var svg = chart.renderToSVGString();
    var scale = 2;
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = chart.getWidth() * scale;
      canvas.height = chart.getHeight() * scale;
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      save(canvas.toDataURL("image/png"), name + ".png");
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(svg);
  }

  function addButtons(figure, chart, name) {
    var actions = figure.querySelector(".chart-actions");
    if (!actions) return;
    [["png", savePng], ["svg", saveSvg]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "chart-save";
      button.dataset.format = pair[0];
      button.textContent = actions.dataset["save" + pair[0].charAt(0).toUpperCase() + pair[0].slice(1)];
      button.addEventListener("click", function () { pair[1](chart, name); });
      actions.insertBefore(button, actions.firstChild);
    });
  }

  var drawn = [];
  document.querySelectorAll(".chart-canvas[data-chart]").forEach(function (element) {
    var script = document.getElementById(element.dataset.chart);
    var data;
    try {
      data = JSON.parse(script.textContent);
    } catch (error) {
      return;
    }
    var build = builders[data.kind];
    if (!build) return;
    element.hidden = false;
    var chart = window.echarts.init(element, null, { renderer: "svg", locale: locale });
    chart.setOption(build(data, element.clientWidth));
    element.dataset.drawn = "true";
    drawn.push(chart);
    var figure = element.closest("figure");
    addButtons(figure, chart, element.dataset.name || "chart");
    // Small multiples: the drawing stands for the table, which stays one click away (and
    // open without JavaScript, and when printing).
    if (figure.classList.contains("chart-small")) {
      var details = figure.querySelector("details.chart-table");
      if (details) details.open = false;
    }
  });

  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.chart-table").forEach(function (details) { details.open = true; });
  });

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { drawn.forEach(function (chart) { chart.resize(); }); }, 150);
  });
})();
