export { formatTable } from './table.js';
export { toCsv } from './csv.js';
export { toJson } from './json.js';
export { esdPlotSvg, logHistogram, type EsdPlotInput } from './svg.js';
export { htmlReport, type HtmlReportInput } from './html.js';
export { columnsOf, formatCell, type Cell, type Row } from './columns.js';
