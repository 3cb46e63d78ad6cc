/**
 * A renderer's world without a browser: a JSDOM window installed as the globals the
 * renderer code reads (document, Image, Blob, ...), an output item made from a payload the
 * kernel's builders produced, and a fake renderer context that records state, all typed as
 * VS Code's renderer API.
 */
import { JSDOM, VirtualConsole } from 'jsdom';
import type { ActivationFunction, OutputItem, RendererApi, RendererContext } from 'vscode-notebook-renderer';

export interface FakeDom {
  window: JSDOM['window'];
  document: Document;
  /** A fresh host element in the body. */
  host(): HTMLElement;
  close(): void;
}

const GLOBALS = [
  'window',
  'document',
  'HTMLElement',
  'HTMLCanvasElement',
  'Image',
  'Blob',
  'Event',
  'MouseEvent',
  'KeyboardEvent',
  'PointerEvent',
  'getComputedStyle',
  'requestAnimationFrame',
] as const;

/** Installs a JSDOM window's globals; `close()` restores the previous ones. */
export function fakeDom(): FakeDom {
  // JSDOM has no canvas: renderers check getContext() themselves, so its "not implemented" notices are noise
  const virtualConsole = new VirtualConsole().forwardTo(console, { jsdomErrors: 'none' });
  const dom = new JSDOM('<!doctype html><html><body></body></html>', { pretendToBeVisual: true, virtualConsole });
  const g = globalThis as Record<string, unknown>;
  const saved = new Map<string, unknown>();
  for (const name of GLOBALS) {
    saved.set(name, g[name]);
    const value = (dom.window as unknown as Record<string, unknown>)[name];
    g[name] = typeof value === 'function' && name !== 'Image' && !/^[A-Z]/.test(name) ? (value as (...a: unknown[]) => unknown).bind(dom.window) : value;
  }
  return {
    window: dom.window,
    document: dom.window.document,
    host() {
      const e = dom.window.document.createElement('div');
      dom.window.document.body.append(e);
      return e;
    },
    close() {
      for (const [name, value] of saved) g[name] = value;
      dom.window.close();
    },
  };
}

export function outputItem(mime: string, payload: unknown, id = 'output-1'): OutputItem {
  const text = JSON.stringify(payload);
  return {
    id,
    mime,
    metadata: {},
    text: () => text,
    json: () => JSON.parse(text),
    data: () => new TextEncoder().encode(text),
    blob: () => new Blob([text], { type: mime }),
  };
}

export function fakeContext<T = undefined>(): RendererContext<T> & { state: T | undefined } {
  const ctx: RendererContext<T> & { state: T | undefined } = {
    state: undefined,
    workspace: { isTrusted: true },
    getState: () => ctx.state,
    setState: (s) => {
      ctx.state = s;
    },
    // a renderer alone: there is no other to extend
    getRenderer: async () => undefined,
  };
  return ctx;
}

/** A renderer's API from its activation; ours all draw, so an activation without one fails. */
export async function activated(activate: ActivationFunction<undefined>, context: RendererContext<undefined> = fakeContext()): Promise<RendererApi> {
  const api = await activate(context);
  if (!api) throw new Error('the renderer returned no API from activate');
  return api;
}
