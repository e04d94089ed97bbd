/** The page style of the HTML report (inline CSS: readable on screen, printable, no external resource). */

export const STYLE = `
:root { --ink: #1a1a1a; --muted: #5b5b5b; --line: #d9dce1; --accent: #0b5fa5; --panel: #f4f6f8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; color: var(--ink); background: #ffffff; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
header.top, main, footer { max-width: 1120px; margin: 0 auto; padding-left: 2rem; padding-right: 2rem; }
header.top { padding-top: 1.5rem; padding-bottom: 0.75rem; }
h1 { font-size: 1.7rem; margin: 0 0 0.25rem; }
h2 { font-size: 1.35rem; margin: 0 0 0.75rem; }
h3 { font-size: 1.05rem; margin: 1.75rem 0 0.5rem; }
h4 { font-size: 0.95rem; margin: 0.5rem 0 0.25rem; }
p { max-width: 52rem; }
.meta { color: var(--muted); margin: 0; }
nav ol { list-style: none; display: flex; flex-wrap: wrap; gap: 0.25rem 1.25rem; padding: 0.6rem 0 0; margin: 0.6rem 0 0; border-top: 1px solid var(--line); }
nav a { color: var(--accent); text-decoration: none; }
nav a:hover { text-decoration: underline; }
section { border-top: 1px solid var(--line); padding-top: 1.5rem; margin-top: 2rem; }
.kpis { display: grid; grid-template-columns: repeat(auto-fill, minmax(11.5rem, 1fr)); gap: 0.75rem; margin: 1rem 0 1.25rem; padding: 0; }
.kpis > div { background: var(--panel); border-radius: 6px; padding: 0.6rem 0.85rem; }
.kpis dt { font-size: 0.8rem; color: var(--muted); }
.kpis dd { margin: 0; font-size: 1.3rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.kpis dd.sub { font-size: 0.78rem; font-weight: 400; color: var(--muted); }
figure.chart { margin: 1.5rem 0 2rem; }
.chart-svg { display: block; width: 100%; height: auto; font-family: inherit; font-size: 11px; }
.chart-svg text:not([fill]) { fill: #333333; }
.chart-svg .axis line, .chart-svg line.domain { stroke: #8a8a8a; }
.chart-svg line.grid { stroke: #ebebeb; }
.chart-svg .axis-label { fill: #555555; font-size: 11.5px; }
figcaption { color: var(--muted); font-size: 0.9rem; margin-top: 0.5rem; max-width: 52rem; }
figcaption strong { color: var(--ink); }
details { margin: 0.5rem 0; }
summary { cursor: pointer; color: var(--accent); font-size: 0.9rem; }
.table-wrap { overflow-x: auto; margin: 0.5rem 0 1rem; }
.table-wrap.scroll { max-height: 26rem; overflow-y: auto; }
table { border-collapse: collapse; font-size: 0.87rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; color: var(--muted); font-size: 0.85rem; padding-bottom: 0.25rem; }
th, td { padding: 0.28rem 0.6rem; border-bottom: 1px solid #eceef1; text-align: left; vertical-align: top; }
th { background: #fafbfc; border-bottom: 2px solid var(--line); font-weight: 600; position: sticky; top: 0; }
td { white-space: nowrap; }
td.prose { white-space: normal; min-width: 16rem; max-width: 32rem; }
td.num, th.num { text-align: right; }
tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
.note { color: var(--muted); font-size: 0.88rem; }
.warnings { background: #fff8e6; border-left: 3px solid #e0a800; padding: 0.25rem 1rem; margin: 1rem 0; }
.warnings ul { margin: 0.25rem 0 0.5rem; padding-left: 1.2rem; }
footer { color: var(--muted); font-size: 0.85rem; border-top: 1px solid var(--line); margin-top: 3rem; padding-top: 0.5rem; padding-bottom: 2rem; }
@media (max-width: 700px) { header.top, main, footer { padding-left: 1rem; padding-right: 1rem; } }
@page { margin: 14mm; }
@media print {
  body { font-size: 10pt; color: #000000; background: #ffffff; }
  header.top, main, footer { max-width: none; padding: 0; }
  nav, summary { display: none; }
  section { break-before: page; border-top: none; margin-top: 0; padding-top: 0; }
  section:first-of-type { break-before: auto; margin-top: 1rem; }
  figure.chart, .kpis, tr, h3 { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
  .kpis > div { background: #ffffff; border: 1px solid #bbbbbb; }
  th { background: #ffffff; position: static; }
  .table-wrap, .table-wrap.scroll { max-height: none; overflow: visible; }
  .warnings { background: #ffffff; }
  a { color: inherit; text-decoration: none; }
}
`;
