// The page `qasim report` writes, with two markers: @CHART_JS@ (Chart.js inlined) and
// @REPORT_DATA@ (the report JSON). The page records errors and sets
// <body data-charts-drawn="N"> once its charts are drawn, for headless-browser tests.
#pragma once

namespace qasim::dse {

inline constexpr const char* kHtmlTemplate = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>qasim sweep report</title>
<script>
  // First of all: record any error, so a headless test can read it from the DOM.
  window.qasimErrors = [];
  window.addEventListener('error', function (e) {
    window.qasimErrors.push(String(e.message));
    document.documentElement.setAttribute('data-errors', window.qasimErrors.join(' | '));
  });
</script>
<style>
  body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; }
  h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.6em; }
  .note { background: #fff6d6; border-left: 4px solid #e0b000; padding: .4em .8em; margin: .3em 0; }
  .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1em; }
  .card { border: 1px solid #ddd; border-radius: 6px; padding: .6em; min-height: 300px; }
  .pending { color: #777; font-style: italic; padding: 2em; text-align: center; }
  table { border-collapse: collapse; font-size: .85em; margin-top: .5em; }
  th, td { border: 1px solid #ddd; padding: .25em .5em; text-align: right; }
  th { background: #f3f3f3; cursor: pointer; user-select: none; }
  td.text, th.text { text-align: left; }
  tr.pareto td { background: #eef7ee; }
  code { font-size: .9em; }
</style>
</head>
<body>
<h1>qasim sweep report</h1>
<div id="summary"></div>
<div id="notes"></div>

<h2>Accuracy against cost (Pareto front highlighted)</h2>
<div class="grid">
  <div class="card"><canvas id="chart-latency"></canvas></div>
  <div class="card"><canvas id="chart-energy"></canvas></div>
  <div class="card"><canvas id="chart-area"></canvas></div>
</div>

<h2>Per-accelerator comparison: latency at each precision</h2>
<div class="card"><canvas id="chart-accelerators"></canvas></div>

<h2>Per-layer breakdown</h2>
<p>Point: <select id="point-select"></select> (or click a point in a chart above)</p>
<div class="card"><canvas id="chart-layers"></canvas></div>

<h2>Design points</h2>
<p>Click a column header to sort (or open the page as report.html#sort=latency). Rows on
the accuracy&ndash;latency Pareto front are shaded.</p>
<table id="points-table"></table>

<h2>Failed points</h2>
<table id="failed-table"></table>

<h2>Sweeps in this store</h2>
<div id="sweeps"></div>

<script>@CHART_JS@</script>
<script id="report-data" type="application/json">@REPORT_DATA@</script>
<script>
(function () {
  'use strict';
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var points = report.points;
  var ok = points.filter(function (p) { return p.status === 'ok'; });
  var drawn = 0;
  var charts = {};
  Chart.defaults.animation = false;  // draw synchronously: the marker below means "drawn"

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fmt(v, digits) {
    if (v === null || v === undefined) return '';
    if (typeof v !== 'number') return String(v);
    if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(digits || 3);
    return Number(v.toPrecision(digits || 4)).toString();
  }
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2',
                 '#17becf', '#7f7f7f', '#bcbd22'];
  var presets = [];
  ok.forEach(function (p) { if (presets.indexOf(p.preset) < 0) presets.push(p.preset); });
  function color(preset) { return palette[presets.indexOf(preset) % palette.length]; }

  // Summary and notes.
  var c = report.counts;
  document.getElementById('summary').appendChild(el('p', {},
      c.points + ' design points (' + c.ok + ' ok, ' + c.failed + ' failed) from ' +
      report.store));
  report.notes.forEach(function (n) {
    document.getElementById('notes').appendChild(el('div', {'class': 'note'}, n));
  });

  var units = {latency: 's', energy: 'J', area: 'mm\u00b2'};
  function scatter(axis) {
    var canvas = document.getElementById('chart-' + axis);
    var have = ok.filter(function (p) {
      return typeof p[axis] === 'number' && typeof p.accuracy === 'number';
    });
    if (have.length === 0) {
      var why = (axis === 'latency') ? 'no point has both accuracy and latency'
                                     : axis + ': pending cost model';
      canvas.parentNode.replaceChild(el('div', {'class': 'pending', 'id': 'pending-' + axis}, why),
                                     canvas);
      return;
    }
    var datasets = presets.map(function (preset) {
      var mine = have.filter(function (p) { return p.preset === preset; });
      return {label: preset, data: mine.map(function (p) {
                return {x: p[axis], y: p.accuracy, hash: p.hash};
              }),
              backgroundColor: color(preset), pointRadius: 4, type: 'scatter'};
    });
    var front = have.filter(function (p) { return p['pareto_' + axis]; })
                    .sort(function (a, b) { return a[axis] - b[axis]; });
    datasets.unshift({label: 'Pareto front', type: 'line', data: front.map(function (p) {
                        return {x: p[axis], y: p.accuracy, hash: p.hash};
                      }),
                      borderColor: '#000', backgroundColor: '#000', pointRadius: 6,
                      pointStyle: 'rectRot', stepped: 'before', fill: false, borderWidth: 1.5});
    var hv = report.fronts[axis] && report.fronts[axis].hypervolume;
    charts[axis] = new Chart(canvas, {
      type: 'scatter',
      data: {datasets: datasets},
      options: {
        parsing: false,
        aspectRatio: 1.3,
        plugins: {
          title: {display: true, text: 'accuracy vs ' + axis +
                  (hv !== null && hv !== undefined ? '  (hypervolume ' + fmt(hv) + ')' : '')},
          tooltip: {callbacks: {label: function (ctx) {
            var p = points.find(function (q) { return q.hash === ctx.raw.hash; });
            return p ? p.accelerator + ' ' + p.precision + ': ' + fmt(p.accuracy) + ' %, ' +
                       fmt(p[axis]) + ' ' + units[axis] : '';
          }}}
        },
        scales: {x: {type: 'logarithmic', title: {display: true, text: axis + ' (' + units[axis] + ')'}},
                 y: {title: {display: true, text: 'top-1 accuracy (%)'}}},
        onClick: function (evt, elements) {
          if (!elements.length) return;
          var e = elements[0];
          var raw = this.data.datasets[e.datasetIndex].data[e.index];
          selectPoint(raw.hash);
        }
      }
    });
    drawn++;
  }
  ['latency', 'energy', 'area'].forEach(scatter);

  // Latency of each accelerator at each precision (grouped bars, log scale).
  (function () {
    var canvas = document.getElementById('chart-accelerators');
    var labels = [];
    ok.forEach(function (p) { if (labels.indexOf(p.precision) < 0) labels.push(p.precision); });
    if (labels.length === 0) {
      canvas.parentNode.replaceChild(el('div', {'class': 'pending'}, 'no finished points'), canvas);
      return;
    }
    var accels = [];
    ok.forEach(function (p) { if (accels.indexOf(p.accelerator) < 0) accels.push(p.accelerator); });
    var datasets = accels.map(function (a, i) {
      return {label: a, backgroundColor: palette[i % palette.length], data: labels.map(function (l) {
        var best = null;
        ok.forEach(function (p) {
          if (p.accelerator === a && p.precision === l && (best === null || p.latency < best))
            best = p.latency;
        });
        return best;
      })};
    });
    charts.accelerators = new Chart(canvas, {
      type: 'bar', data: {labels: labels, datasets: datasets},
      options: {plugins: {title: {display: true, text: 'latency per frame (s), lower is better'}},
                scales: {y: {type: 'logarithmic', title: {display: true, text: 'latency (s)'}}}}
    });
    drawn++;
  })();

  // Per-layer breakdown of the chosen point.
  var select = document.getElementById('point-select');
  ok.forEach(function (p) {
    select.appendChild(el('option', {value: p.hash},
                          p.accelerator + ' ' + p.precision + '  [' + p.hash + ']'));
  });
  var layerChart = null;
  function selectPoint(hash) {
    var p = points.find(function (q) { return q.hash === hash; });
    if (!p) return;
    select.value = hash;
    var layers = p.layers.filter(function (l) { return l.cycles > 0; });
    var data = {labels: layers.map(function (l) { return l.name; }),
                datasets: [{label: 'cycles', data: layers.map(function (l) { return l.cycles; }),
                            backgroundColor: color(p.preset), yAxisID: 'y'},
                           {label: 'MAC utilization (%)', type: 'line',
                            data: layers.map(function (l) { return 100 * l.utilization; }),
                            borderColor: '#444', backgroundColor: '#444', yAxisID: 'u'}]};
    var title = p.accelerator + ' ' + p.precision + ': ' + fmt(p.cycles) + ' cycles';
    if (layerChart) {
      layerChart.data = data;
      layerChart.options.plugins.title.text = title;
      layerChart.update();
      return;
    }
    layerChart = new Chart(document.getElementById('chart-layers'), {
      type: 'bar', data: data,
      options: {plugins: {title: {display: true, text: title}},
                scales: {y: {title: {display: true, text: 'cycles'}},
                         u: {position: 'right', min: 0, max: 100, grid: {drawOnChartArea: false},
                             title: {display: true, text: 'MAC utilization (%)'}}}}
    });
    drawn++;
  }
  select.addEventListener('change', function () { selectPoint(select.value); });
  if (ok.length) selectPoint(ok[0].hash);

  // Sortable tables.
  function table(id, rows, columns) {
    var t = document.getElementById(id);
    var head = el('tr');
    columns.forEach(function (col, i) {
      var th = el('th', {'class': col.text ? 'text' : ''}, col.title);
      th.addEventListener('click', function () { sortBy(i); });
      head.appendChild(th);
    });
    var thead = el('thead'); thead.appendChild(head); t.appendChild(thead);
    var tbody = el('tbody'); t.appendChild(tbody);
    var order = {col: -1, dir: 1};
    function render() {
      tbody.innerHTML = '';
      rows.forEach(function (r) {
        var tr = el('tr', {'class': r.pareto_latency ? 'pareto' : ''});
        columns.forEach(function (col) {
          tr.appendChild(el('td', {'class': col.text ? 'text' : ''}, fmt(col.get(r))));
        });
        tbody.appendChild(tr);
      });
    }
    function sortBy(i) {
      order.dir = order.col === i ? -order.dir : 1;
      order.col = i;
      var get = columns[i].get;
      rows.sort(function (a, b) {
        var x = get(a), y = get(b);
        if (x === y) return 0;
        if (x === null || x === undefined || x === '') return 1;
        if (y === null || y === undefined || y === '') return -1;
        return (x < y ? -1 : 1) * order.dir;
      });
      render();
      t.setAttribute('data-sorted-by', columns[i].title + (order.dir > 0 ? ' asc' : ' desc'));
    }
    render();
    return {sortByKey: function (key) {
      for (var i = 0; i < columns.length; i++) if (columns[i].key === key) sortBy(i);
    }};
  }
  function col(title, key, text) {
    return {title: title, key: key, text: !!text, get: function (r) { return r[key]; }};
  }
  var pointsTable = table('points-table', ok.slice(), [
    col('hash', 'hash', true), col('accelerator', 'accelerator', true),
    col('precision', 'precision', true), col('mode', 'mode', true),
    col('accuracy %', 'accuracy'), col('latency s', 'latency'), col('cycles', 'cycles'),
    col('frames/s', 'throughput'), col('MAC util', 'utilization'), col('energy J', 'energy'),
    col('area mm\u00b2', 'area')]);
  table('failed-table', points.filter(function (p) { return p.status !== 'ok'; }), [
    col('hash', 'hash', true), col('accelerator', 'accelerator', true),
    col('precision', 'precision', true), col('reason', 'reason', true)]);

  report.sweeps.forEach(function (s) {
    var d = el('details');
    d.appendChild(el('summary', {}, 'sweep ' + s.id + ': ' + s.source + ', started ' + s.started_at));
    d.appendChild(el('pre', {}, s.spec));
    document.getElementById('sweeps').appendChild(d);
  });

  // report.html#sort=latency opens with the points sorted by that column.
  var sortKey = /sort=([a-z_]+)/.exec(location.hash);
  if (sortKey) pointsTable.sortByKey(sortKey[1]);

  document.body.setAttribute('data-charts-drawn', String(drawn));
})();
</script>
</body>
</html>
)html";

}  // namespace qasim::dse
