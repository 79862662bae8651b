// The report's inline style sheet and script (the page loads nothing from the network). Laid out for a
// 1280 px window: the page never scrolls sideways; a wide table scrolls inside its own box, with the
// header row and the name column sticky.
import { naturalCompare } from './order.js';

export const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;background:#f6f7f9}
main{max-width:1240px;margin:0 auto;padding:16px 20px 48px}
h1{font-size:20px;margin:0 0 2px;overflow-wrap:anywhere}
h2{font-size:16px;margin:0 0 8px}
h3{font-size:13px;margin:0;font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
a{color:#0b57d0;text-decoration:none} a:hover{text-decoration:underline}
.meta{color:#57606a;font-size:13px;overflow-wrap:anywhere;margin:0}
section{background:#fff;border:1px solid #d8dee4;border-radius:6px;padding:12px 16px;margin:14px 0;min-width:0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:8px;margin-bottom:4px}
.card{border:1px solid #eaeef2;border-radius:4px;padding:6px 10px}
.card b{display:block;font-size:18px;font-variant-numeric:tabular-nums}
.card span{color:#57606a;font-size:12px}
.overview{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,1fr);gap:16px;align-items:start}
.overview figure{margin:0;min-width:0}
figcaption{color:#57606a;font-size:12px}
.tabs{display:flex;flex-wrap:wrap;gap:4px;margin:0 0 6px}
.tabs button{font:inherit;font-size:12px;border:1px solid #d0d7de;background:#f6f8fa;border-radius:12px;padding:1px 10px;cursor:pointer}
.tabs button[aria-selected=true]{background:#0b57d0;border-color:#0b57d0;color:#fff}
.failed-list{margin:6px 0 0;padding-left:18px;font-size:13px}
.tablebox{max-height:72vh;overflow:auto;border:1px solid #d8dee4;border-radius:4px}
table.layers{border-collapse:separate;border-spacing:0;font-size:12px;font-variant-numeric:tabular-nums}
table.layers th,table.layers td{padding:3px 8px;border-bottom:1px solid #eef1f4;white-space:nowrap;text-align:right;font-weight:normal}
table.layers thead th{position:sticky;top:0;z-index:2;background:#eef1f4;font-weight:600;cursor:pointer;user-select:none}
table.layers thead th[data-dir=asc]::after{content:" ▲"} table.layers thead th[data-dir=desc]::after{content:" ▼"}
table.layers .name{position:sticky;left:0;z-index:1;background:#fff;text-align:left;max-width:26em;overflow:hidden;text-overflow:ellipsis;border-right:1px solid #d8dee4}
table.layers thead th.name{z-index:3;background:#eef1f4}
table.layers td.text{text-align:left}
table.layers td.reason{white-space:normal;min-width:18em;max-width:32em;text-align:left}
table.layers tr.failed td,table.layers tr.failed th{background:#fff1f0}
table.layers tbody tr:hover td,table.layers tbody tr:hover th{background:#f0f6ff}
.bad{color:#b42318;font-weight:600} .warn-over{color:#b42318} .warn-under{color:#9a6700}
.legend{margin-top:8px;font-size:12px}
.legend dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:2px 12px;margin:6px 0 0}
.legend dt{font-family:ui-monospace,monospace} .legend dd{margin:0;color:#424a53}
.esd-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(540px,1fr));gap:12px}
.esd-card{border:1px solid #eaeef2;border-radius:4px;padding:8px;min-width:0}
.esd-card:target{outline:2px solid #0b57d0}
.esd-card .stats{margin:2px 0 4px;font-size:12px;color:#424a53}
.views{display:grid;grid-template-columns:1fr 1fr;gap:4px}
.notes{margin:2px 0 0;padding-left:16px;font-size:12px;color:#57606a}
svg .tick{fill:#57606a;font-size:10px}
table.plain{border-collapse:collapse;font-size:12px} table.plain td,table.plain th{border-bottom:1px solid #eef1f4;padding:2px 8px;text-align:left;vertical-align:top}
code{font-family:ui-monospace,monospace;font-size:12px;overflow-wrap:anywhere}
`;

// Sorting: the same natural compare as the TypeScript side (its compiled source is inlined).
export const SCRIPT = `
(function () {
  var naturalCompare = ${naturalCompare.toString()};
  var table = document.getElementById('layers');
  if (table) {
    var heads = table.tHead.rows[0].cells;
    var key = function (cell) {
      var v = cell.getAttribute('data-v');
      if (v === null || v === '') return null;
      if (cell.getAttribute('data-t') === 'n') { var n = Number(v); return isFinite(n) ? n : null; }
      return v;
    };
    Array.prototype.forEach.call(heads, function (th, col) {
      th.addEventListener('click', function () {
        var asc = th.getAttribute('data-dir') !== 'asc';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('data-dir'); });
        th.setAttribute('data-dir', asc ? 'asc' : 'desc');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col]);
          if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1; // empty cells last, either way
          var c = typeof x === 'number' && typeof y === 'number' ? x - y : naturalCompare(String(x), String(y));
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  document.querySelectorAll('[data-tab]').forEach(function (b) {
    b.addEventListener('click', function () {
      document.querySelectorAll('[data-tab]').forEach(function (o) { o.setAttribute('aria-selected', String(o === b)); });
      document.querySelectorAll('[data-view]').forEach(function (v) { v.hidden = v.getAttribute('data-view') !== b.getAttribute('data-tab'); });
    });
  });
})();
`;
