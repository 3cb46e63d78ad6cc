/**
 * Training curves: loss per step (with TensorBoard-style smoothing) or validation loss per
 * epoch for every run, drawn with chart.js. While the kernel updates the output, the same
 * chart gets the new points in place (no re-creation, no animation).
 */
import type { Chart, ChartDataset } from 'chart.js';
import type { TrainingPayload } from '../../kernels/outputs/contracts';
import { button, el, renderProblem, slider, startRoot } from '../shared/dom';
import { chartFrame, chartTheme, registerCharts, seriesColour, type ChartTheme } from '../shared/charts';
import { lastValues, runCurves, type CurveView } from './curves';
import { validateTraining } from '../../kernels/outputs/payloadChecks';

export interface CurvesState {
  view: CurveView;
  smoothing: number;
  logScale: boolean;
}

export interface RenderedCurves {
  chart: Chart | undefined;
  state: CurvesState;
  /** Redraws with a new payload, in place; false when the page must be built again. */
  update?: (payload: TrainingPayload) => boolean;
}

const STYLE = `
.plot { position: relative; height: 300px; max-width: 920px; }
.summary { font-family: var(--vscode-editor-font-family, monospace); font-size: 0.92em; white-space: pre-wrap; overflow-wrap: anywhere; }
[hidden] { display: none !important; }
`;

type LineDataset = ChartDataset<'line', Array<{ x: number; y: number | null }>>;

function datasets(payload: TrainingPayload, state: CurvesState, theme: ChartTheme): LineDataset[] {
  const curves = runCurves(payload, state.view, state.view === 'steps' ? state.smoothing : 0);
  const out: LineDataset[] = [];
  curves.forEach((c, k) => {
    const colour = seriesColour(theme, k);
    // past the theme's colours, the same hues come back dashed
    const dash = k >= theme.series.length ? [6, 3] : [];
    out.push({
      label: c.label,
      data: c.points,
      borderColor: colour,
      backgroundColor: colour,
      borderDash: dash,
      borderWidth: 1.5,
      pointRadius: state.view === 'validation' ? 3 : 0,
      spanGaps: false,
      parsing: false,
    });
    if (c.raw)
      out.push({
        label: `${c.label} raw`,
        data: c.raw,
        borderColor: colour,
        backgroundColor: colour,
        borderDash: dash,
        borderWidth: 1,
        pointRadius: 0,
        spanGaps: false,
        parsing: false,
      });
  });
  // faint raw lines: the theme colour at a quarter opacity through the dataset's own alpha
  for (const d of out) if (typeof d.label === 'string' && d.label.endsWith(' raw')) d.borderColor = withAlpha(d.borderColor as string, 0.25);
  return out;
}

/** `#rrggbb` or `rgb(...)` at `alpha`; other forms are returned as they are. */
export function withAlpha(colour: string, alpha: number): string {
  const hex = colour.match(/^#([0-9a-f]{6})$/i);
  if (hex) {
    const n = parseInt(hex[1] as string, 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const rgb = colour.match(/^rgb\((\d+),\s*(\d+),\s*(\d+)\)$/);
  return rgb ? `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${alpha})` : colour;
}

function buildChart(canvas: HTMLCanvasElement, payload: TrainingPayload, state: CurvesState, host: Element): Chart | undefined {
  if (!canvas.getContext('2d')) return undefined;
  const ChartClass = registerCharts();
  const theme = chartTheme(host);
  const chart = new ChartClass(canvas, {
    type: 'line',
    data: { datasets: datasets(payload, state, theme) },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      color: theme.foreground,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: {
          type: 'linear',
          title: { display: true, text: state.view === 'steps' ? 'step' : 'epoch', color: theme.foreground },
          ticks: { color: theme.foreground, precision: 0 },
          grid: { color: theme.grid },
        },
        y: {
          type: state.logScale ? 'logarithmic' : 'linear',
          title: { display: true, text: state.view === 'steps' ? 'training loss' : 'validation loss', color: theme.foreground },
          ticks: { color: theme.foreground },
          grid: { color: theme.grid },
        },
      },
      plugins: { legend: { labels: { color: theme.foreground, filter: (item) => !item.text.endsWith(' raw') } } },
    },
  });
  return chart as unknown as Chart;
}

export function renderTraining(value: unknown, root: ShadowRoot | HTMLElement, host: Element, previous?: RenderedCurves): RenderedCurves {
  const checked = validateTraining(value);
  if (!checked.ok) {
    previous?.chart?.destroy();
    renderProblem(root, 'training curves', checked.problem);
    return { chart: undefined, state: previous?.state ?? { view: 'steps', smoothing: 0, logScale: false } };
  }
  // an update of the output: new points into the chart already on the page
  if (previous?.update?.(checked.payload)) return previous;
  previous?.chart?.destroy();

  let payload = checked.payload;
  const state: CurvesState = previous?.state ?? { view: 'steps', smoothing: 0, logScale: false };
  const doc = startRoot(root, STYLE);
  const rendered: RenderedCurves = { chart: undefined, state };

  const { title, toolbar, plot, canvas } = chartFrame(doc, payload.title, 'Training curve controls');
  const summary = el(doc, 'div', 'summary');
  summary.setAttribute('aria-live', 'polite');
  const status = el(doc, 'div', 'notes status');
  const notes = el(doc, 'ul', 'notes');

  const describe = () => {
    canvas.setAttribute(
      'aria-label',
      `${state.view === 'steps' ? 'Training loss per step' : 'Validation loss per epoch'} of ${payload.runs.map((r) => r.name).join(', ')}; the line under the chart gives the last values`,
    );
    notes.replaceChildren(...payload.notes.map((n) => el(doc, 'li', undefined, n)));
  };
  const draw = () => {
    rendered.chart?.destroy();
    describe();
    stepsButton.setAttribute('aria-pressed', String(state.view === 'steps'));
    validationButton.setAttribute('aria-pressed', String(state.view === 'validation'));
    logButton.setAttribute('aria-pressed', String(state.logScale));
    smoothing.input.disabled = state.view !== 'steps';
    summary.textContent = lastValues(payload);
    rendered.chart = buildChart(canvas, payload, state, host);
    if (!rendered.chart) status.textContent = 'This view has no canvas to draw on; the line above gives the last values.';
    host.setAttribute('data-ready', 'true');
  };
  rendered.update = (next) => {
    payload = next;
    title.textContent = next.title;
    summary.textContent = lastValues(next);
    describe();
    const chart = rendered.chart;
    if (!chart) return true;
    chart.data.datasets = datasets(next, state, chartTheme(host)) as unknown as Chart['data']['datasets'];
    chart.update('none');
    host.setAttribute('data-updates', String(Number(host.getAttribute('data-updates') ?? '0') + 1));
    return true;
  };

  const stepsButton = button(
    doc,
    'Loss per step',
    () => {
      state.view = 'steps';
      draw();
    },
    state.view === 'steps',
  );
  const validationButton = button(
    doc,
    'Validation per epoch',
    () => {
      state.view = 'validation';
      draw();
    },
    state.view === 'validation',
  );
  const logButton = button(
    doc,
    'Log scale',
    () => {
      state.logScale = !state.logScale;
      draw();
    },
    state.logScale,
  );
  const smoothing = slider(doc, 'Smoothing', 0, 0.99, 0.01, state.smoothing, (v) => {
    state.smoothing = v;
    draw();
  });
  toolbar.append(stepsButton, validationButton, logButton, smoothing.label);
  root.append(title, toolbar, plot, summary, status, notes);
  draw();
  return rendered;
}
