/**
 * The HTML report's render loop: activates each inlined renderer once with the report's
 * context, then renders each rich output into a new element beside its static fallback. The
 * fallback goes only once the renderer has drawn; if anything fails it stays, and the error
 * is kept in the output element's `data-render-error`.
 */
import type { ActivationFunction, RendererApi, RendererContext } from 'vscode-notebook-renderer';
import { REPORT_CLASS, type ReportOutput } from '../../kernels/outputs/reportPage';
import { reportContext, reportOutputItem } from './host';

/** Loads an ES module from its source text (in the page: an import from a blob: URL, which the CSP allows). */
export type ModuleLoader = (source: string) => Promise<unknown>;

function isActivation(value: unknown): value is ActivationFunction<undefined> {
  return typeof value === 'function';
}

function isReportOutput(value: unknown): value is ReportOutput {
  if (typeof value !== 'object' || value === null) return false;
  const o: Partial<Record<keyof ReportOutput, unknown>> = value;
  return (
    typeof o.id === 'string' &&
    typeof o.mime === 'string' &&
    typeof o.renderer === 'string' &&
    typeof o.metadata === 'object' &&
    o.metadata !== null &&
    'json' in value &&
    (o.base64 === null || typeof o.base64 === 'string')
  );
}

/** The JSON in a script element of the page (the builder escapes it so that it cannot close the element). */
function scriptData(script: Element): unknown {
  return JSON.parse(script.textContent ?? '');
}

async function activateRenderer(id: string, script: Element, load: ModuleLoader, context: RendererContext<undefined>): Promise<RendererApi | undefined> {
  const source = scriptData(script);
  if (typeof source !== 'string') throw new Error(`renderer ${id}: its script holds no module source`);
  const module = await load(source);
  const activate = typeof module === 'object' && module !== null && 'activate' in module ? module.activate : undefined;
  if (!isActivation(activate)) throw new Error(`renderer ${id} exports no activate function`);
  return activate(context);
}

async function renderOutput(element: HTMLElement, output: ReportOutput, api: Promise<RendererApi | undefined> | undefined): Promise<void> {
  const fallback = [...element.childNodes];
  const mount = element.ownerDocument.createElement('div');
  mount.className = REPORT_CLASS.rendered;
  try {
    const renderer = await (api ?? Promise.reject(new Error(`no renderer ${output.renderer}`)));
    // VS Code's API lets a renderer that only extends another return nothing: it cannot draw this output
    if (!renderer) throw new Error(`renderer ${output.renderer} returned no API from activate`);
    element.append(mount);
    // a report never cancels a render
    await renderer.renderOutputItem(reportOutputItem(output), mount, new AbortController().signal);
    for (const node of fallback) node.remove();
  } catch (e) {
    mount.remove();
    element.dataset.renderError = String(e);
    console.error(`IDC Lab report: renderer ${output.renderer} failed for ${output.id}`, e);
  }
}

/** Draws every rich output of the report page `doc`; resolves when each has drawn or failed. */
export async function renderReport(doc: Document, load: ModuleLoader): Promise<void> {
  const apis = new Map<string, Promise<RendererApi | undefined>>();
  // another renderer's API, as VS Code gives it: undefined when it is not on the page or failed to activate
  const context = reportContext((id) => (apis.get(id) ?? Promise.resolve(undefined)).catch(() => undefined));
  for (const script of doc.querySelectorAll<HTMLElement>(`script.${REPORT_CLASS.renderer}`)) {
    const id = script.dataset.id ?? '';
    const api = activateRenderer(id, script, load, context);
    // a failure is reported by each output of the renderer; this keeps it from also going unhandled
    api.catch(() => {});
    apis.set(id, api);
  }
  const rendered: Promise<void>[] = [];
  for (const script of doc.querySelectorAll(`script.${REPORT_CLASS.output}`)) {
    try {
      const output = scriptData(script);
      if (!isReportOutput(output)) throw new Error('an output script of the page is not an output');
      const element = doc.getElementById(output.id);
      if (!element) throw new Error(`no element ${output.id} for its output`);
      rendered.push(renderOutput(element, output, apis.get(output.renderer)));
    } catch (e) {
      console.error('IDC Lab report: an output could not be read', e);
    }
  }
  await Promise.all(rendered);
}
