/**
 * The category chart: grouped bars per category for every series with interval whiskers
 * (chart.js and its error-bar controller), a metric switch, a table view, and PNG and CSV
 * export. Text from the payload enters the page through textContent only.
 */
import type { Chart } from 'chart.js';
import type { CategoryChartPayload } from '../../kernels/outputs/contracts';
import { button, choice, download, el, renderProblem, startRoot } from '../shared/dom';
import { chartFrame, chartTheme, registerCharts, seriesColour } from '../shared/charts';
import { fileStem, hasIntervals, seriesBars, tableRows, toCsv } from './chartData';
import { validateCategoryChart } from './validate';

export interface ChartViewState {
  metric?: string;
  view: 'chart' | 'table';
}

const STYLE = `
.plot { position: relative; height: 320px; max-width: 920px; }
table { border-collapse: collapse; margin: 4px 0; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid var(--vscode-panel-border, #ccc); padding: 2px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: var(--vscode-editorWidget-background, #f3f3f3); }
[hidden] { display: none !important; }
`;

/** What a rendered chart leaves for the next in-place update and for disposal. */
export interface RenderedChart {
  chart: Chart | undefined;
  state: ChartViewState;
}

function buildChart(canvas: HTMLCanvasElement, payload: CategoryChartPayload, metric: string, host: Element): Chart | undefined {
  // no 2-D context (a DOM without canvas): the table view still works
  if (!canvas.getContext('2d')) return undefined;
  const ChartClass = registerCharts();
  const theme = chartTheme(host);
  const bars = seriesBars(payload, metric);
  const chart = new ChartClass(canvas, {
    type: 'barWithErrorBars',
    data: {
      labels: payload.categories,
      datasets: bars.map((b, k) => ({
        label: b.name,
        // chart.js skips null entries: a series without a score in a category has no bar there
        data: b.points as Array<{ y: number; yMin?: number; yMax?: number }>,
        backgroundColor: seriesColour(theme, k),
        borderColor: seriesColour(theme, k),
        errorBarColor: theme.foreground,
        errorBarWhiskerColor: theme.foreground,
        errorBarWhiskerSize: 8,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      color: theme.foreground,
      scales: {
        x: { ticks: { color: theme.foreground }, grid: { color: theme.grid } },
        y: {
          beginAtZero: true,
          ticks: { color: theme.foreground },
          grid: { color: theme.grid },
          title: { display: true, text: metric, color: theme.foreground },
        },
      },
      plugins: {
        legend: { labels: { color: theme.foreground } },
        tooltip: {
          callbacks: {
            label: (item) => {
              const p = b(bars, item.datasetIndex, item.dataIndex);
              if (!p) return `${item.dataset.label ?? ''}: -`;
              const ci = p.yMin !== undefined && p.yMax !== undefined ? ` [${p.yMin.toFixed(3)}, ${p.yMax.toFixed(3)}]` : '';
              return `${item.dataset.label ?? ''}: ${p.y.toFixed(3)}${ci}`;
            },
          },
        },
      },
    },
  });
  return chart as unknown as Chart;
}

function b(bars: ReturnType<typeof seriesBars>, series: number, category: number) {
  return bars[series]?.points[category] ?? null;
}

function table(doc: Document, payload: CategoryChartPayload, metric: string): HTMLTableElement {
  const [header, ...rows] = tableRows(payload, metric);
  const t = el(doc, 'table', 'table');
  const caption = el(doc, 'caption', undefined, `${metric} by category${hasIntervals(payload, metric) ? ' (value [95% interval])' : ''}`);
  const head = el(doc, 'thead');
  const headRow = el(doc, 'tr');
  for (const h of header ?? []) {
    const th = el(doc, 'th', undefined, h);
    th.scope = 'col';
    headRow.append(th);
  }
  head.append(headRow);
  const body = el(doc, 'tbody');
  for (const r of rows) {
    const tr = el(doc, 'tr');
    r.forEach((cell, c) => {
      const td = el(doc, c === 0 ? 'th' : 'td', undefined, cell);
      if (c === 0) (td as HTMLTableCellElement).scope = 'row';
      tr.append(td);
    });
    body.append(tr);
  }
  t.append(caption, head, body);
  return t;
}

/**
 * Draws the payload into `root`; `previous` (the last render into the same element) keeps
 * the chosen metric and view and has its chart destroyed. Returns what the next call needs.
 */
export function renderCategoryChart(value: unknown, root: ShadowRoot | HTMLElement, host: Element, previous?: RenderedChart): RenderedChart {
  previous?.chart?.destroy();
  const checked = validateCategoryChart(value);
  if (!checked.ok) {
    renderProblem(root, 'category chart', checked.problem);
    return { chart: undefined, state: previous?.state ?? { view: 'chart' } };
  }
  const payload = checked.payload;
  const state: ChartViewState = { view: previous?.state.view ?? 'chart', metric: previous?.state.metric };
  const metric = state.metric !== undefined && payload.metrics.includes(state.metric) ? state.metric : (payload.metrics[0] as string);
  state.metric = metric;
  const doc = startRoot(root, STYLE);
  const rendered: RenderedChart = { chart: undefined, state };

  const { title, toolbar, plot, canvas } = chartFrame(doc, payload.title, 'Chart controls');
  const tableBox = el(doc, 'div', 'table-view');
  const status = el(doc, 'div', 'notes status');
  status.setAttribute('role', 'status');

  const draw = () => {
    rendered.chart?.destroy();
    const m = state.metric as string;
    canvas.setAttribute(
      'aria-label',
      `Grouped bar chart of ${m} by category for ${payload.series.map((s) => s.name).join(', ')}; the table view lists the numbers`,
    );
    tableBox.replaceChildren(table(doc, payload, m));
    const showChart = state.view === 'chart';
    plot.hidden = !showChart;
    tableBox.hidden = showChart;
    chartButton.setAttribute('aria-pressed', String(showChart));
    tableButton.setAttribute('aria-pressed', String(!showChart));
    rendered.chart = showChart ? buildChart(canvas, payload, m, host) : undefined;
    if (showChart && !rendered.chart) status.textContent = 'This view has no canvas to draw on; the table shows the numbers.';
    // browser tests and the bench wait for this
    host.setAttribute('data-ready', 'true');
  };

  if (payload.metrics.length > 1) {
    const metricChoice = choice(
      doc,
      'Metric',
      payload.metrics.map((m) => [m, m] as const),
      metric,
      (m) => {
        state.metric = m;
        draw();
      },
    );
    toolbar.append(metricChoice.label);
  }
  const chartButton = button(
    doc,
    'Chart',
    () => {
      state.view = 'chart';
      draw();
    },
    state.view === 'chart',
  );
  const tableButton = button(
    doc,
    'Table',
    () => {
      state.view = 'table';
      draw();
    },
    state.view === 'table',
  );
  const pngButton = button(doc, 'Save PNG', () => {
    if (!rendered.chart) {
      status.textContent = 'Switch to the chart view to save it as PNG.';
      return;
    }
    const dataUrl = rendered.chart.toBase64Image('image/png', 1);
    const bytes = Uint8Array.from(atob(dataUrl.slice(dataUrl.indexOf(',') + 1)), (c) => c.charCodeAt(0));
    download(doc, new Blob([bytes], { type: 'image/png' }), `${fileStem(payload.title)}-${fileStem(state.metric as string)}.png`);
  });
  const csvButton = button(doc, 'Save CSV', () => download(doc, new Blob([toCsv(payload)], { type: 'text/csv' }), `${fileStem(payload.title)}.csv`));
  toolbar.append(chartButton, tableButton, pngButton, csvButton);

  const notes = el(doc, 'ul', 'notes');
  for (const n of payload.notes) notes.append(el(doc, 'li', undefined, n));
  root.append(title, toolbar, plot, tableBox, status, notes);
  draw();
  return rendered;
}
