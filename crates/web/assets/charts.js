// Draws the dashboard's charts from the JSON block #chart-data (the tables beside them hold
// the same numbers, so the page is whole without this file).
(function () {
  var block = document.getElementById('chart-data');
  if (!block || typeof echarts === 'undefined') return;
  var data = JSON.parse(block.textContent);
  var red = '#9b1c1c', grey = '#c9d1db';
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    option.animation = false; // drawn at once: a printed or captured page shows the numbers
    echarts.init(el, null, { renderer: 'canvas' }).setOption(option);
  }
  if (data.indicators && data.indicators.length) {
    draw('chart-indicators', {
      tooltip: { trigger: 'axis' },
      legend: { data: ['得分', '分值'] },
      grid: { left: 50, right: 20, bottom: 110 },
      xAxis: { type: 'category', data: data.indicators.map(function (i) { return i.name; }), axisLabel: { rotate: 45, interval: 0 } },
      yAxis: { type: 'value' },
      series: [
        { name: '分值', type: 'bar', data: data.indicators.map(function (i) { return i.points; }), itemStyle: { color: grey }, barGap: '-100%' },
        { name: '得分', type: 'bar', data: data.indicators.map(function (i) { return i.score; }), itemStyle: { color: red } }
      ]
    });
  }
  if (data.departments && data.departments.length) {
    var d = data.departments.slice().reverse();
    draw('chart-departments', {
      tooltip: { trigger: 'axis' },
      grid: { left: 120, right: 30 },
      xAxis: { type: 'value', name: '失分' },
      yAxis: { type: 'category', data: d.map(function (x) { return x.name; }) },
      series: [{ type: 'bar', data: d.map(function (x) { return x.lost; }), itemStyle: { color: red } }]
    });
  }
  if (data.trend && data.trend.length > 1) {
    draw('chart-trend', {
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: data.trend.map(function (t) { return t.name; }) },
      yAxis: { type: 'value', max: data.max },
      series: [{ type: 'line', data: data.trend.map(function (t) { return t.total; }), itemStyle: { color: red } }]
    });
  }
})();
