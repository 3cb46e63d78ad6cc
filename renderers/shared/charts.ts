/**
 * chart.js for the renderers: the components registered once (the error-bar controller
 * among them), no animation (outputs update in place and are measured for speed), and the
 * theme's chart colours (`--vscode-charts-*`) so light, dark and high-contrast themes work.
 */
import { BarElement, CategoryScale, Chart, Filler, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';
import { BarWithErrorBar, BarWithErrorBarsController } from 'chartjs-chart-error-bars';
import { el, themeColour } from './dom';

let registered = false;

export function registerCharts(): typeof Chart {
  if (!registered) {
    Chart.register(
      BarWithErrorBarsController,
      BarWithErrorBar,
      BarElement,
      CategoryScale,
      LinearScale,
      LogarithmicScale,
      LineController,
      LineElement,
      PointElement,
      Tooltip,
      Legend,
      Filler,
    );
    registered = true;
  }
  return Chart;
}

/** VS Code's chart colours in the order its own charts use them, with Tableau-like fallbacks. */
const SERIES_VARIABLES: ReadonlyArray<readonly [string, string]> = [
  ['--vscode-charts-blue', '#4e79a7'],
  ['--vscode-charts-orange', '#f28e2b'],
  ['--vscode-charts-green', '#59a14f'],
  ['--vscode-charts-red', '#e15759'],
  ['--vscode-charts-purple', '#b07aa1'],
  ['--vscode-charts-yellow', '#edc948'],
];

export interface ChartTheme {
  series: string[];
  foreground: string;
  grid: string;
  background: string;
}

export function chartTheme(host: Element): ChartTheme {
  return {
    series: SERIES_VARIABLES.map(([v, fallback]) => themeColour(host, v, fallback)),
    foreground: themeColour(host, '--vscode-charts-foreground', themeColour(host, '--vscode-foreground', '#333333')),
    grid: themeColour(host, '--vscode-charts-lines', 'rgba(128, 128, 128, 0.3)'),
    background: themeColour(host, '--vscode-editor-background', '#ffffff'),
  };
}

/** A colour for series k: the theme's list, then the same hues dashed by the caller. */
export function seriesColour(theme: ChartTheme, k: number): string {
  return theme.series[k % theme.series.length] as string;
}

/** The frame of a chart output: its title, a labelled toolbar, and the canvas in a sized box. */
export function chartFrame(
  doc: Document,
  title: string,
  toolbarLabel: string,
): { title: HTMLElement; toolbar: HTMLElement; plot: HTMLElement; canvas: HTMLCanvasElement } {
  const heading = el(doc, 'div', 'title', title);
  const toolbar = el(doc, 'div', 'toolbar');
  toolbar.setAttribute('role', 'toolbar');
  toolbar.setAttribute('aria-label', toolbarLabel);
  const plot = el(doc, 'div', 'plot');
  const canvas = el(doc, 'canvas');
  canvas.setAttribute('role', 'img');
  plot.append(canvas);
  return { title: heading, toolbar, plot, canvas };
}
