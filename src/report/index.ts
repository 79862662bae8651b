// Writers of analysis results: JSON document, CSV, terminal table, SVG plots and the HTML report.
export { reportToJson, layerJson, layerRow, toPlainJson, type Json, type JsonObject } from './document.js';
export { toCsv } from './csv.js';
export { toJson } from './json.js';
export { formatTable, minTableWidth, columnWidths, type TableOptions } from './table.js';
export { htmlReport, type HtmlReportOptions } from './html.js';
export { esdFigureSvg, esdLogLog, esdLinLin, type EsdPlotInput } from './svg/esd.js';
export { plotFileName } from './plot-files.js';
export { esdPlotInput, layerEvals } from './layer-esd.js';
export { COLUMNS, columnInfo, type ColumnInfo } from './catalog.js';
export { columnsOf, formatCell, type Cell, type Row } from './columns.js';
export { depthOrder, naturalCompare } from './order.js';
export { escapeControl, elideMiddle, shortenName, displayWidth } from './terminal.js';
