/**
 * What the HTML report hands its renderers, typed as VS Code's renderer API
 * (@types/vscode-notebook-renderer) so that a renderer sees the same context and output item
 * in a report as in the editor. A report is a static page: no messaging (the members are
 * absent, as VS Code leaves them when a renderer has no extension to talk to), no state kept
 * across loads, and the workspace trusted (the reader chose to open the file).
 * test/renderers/reportHost.test.ts checks these against the package's types.
 */
import type { OutputItem, RendererApi, RendererContext } from 'vscode-notebook-renderer';
import type { ReportOutput } from '../../kernels/outputs/reportPage';

/** The API of another renderer of the page, by id; undefined when the page has none by that id. */
export type RendererLookup = (id: string) => Promise<RendererApi | undefined>;

/** The context every renderer of the report is activated with. */
export function reportContext(getRenderer: RendererLookup): RendererContext<undefined> {
  return {
    workspace: { isTrusted: true },
    getState: () => undefined,
    // nothing survives the page, so there is nowhere to keep it
    setState: () => {},
    getRenderer,
  };
}

function fromBase64(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** One output as the API's output item: its bytes decoded on first use (payloads can be megabytes). */
export function reportOutputItem(output: ReportOutput): OutputItem {
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  const data = (): Uint8Array<ArrayBuffer> => {
    bytes ??= output.base64 !== null ? fromBase64(output.base64) : new TextEncoder().encode(JSON.stringify(output.json));
    return bytes;
  };
  const text = (): string => new TextDecoder().decode(data());
  return {
    id: output.id,
    mime: output.mime,
    metadata: output.metadata,
    text,
    // a JSON payload is already parsed in the page's data; other bytes parse like VS Code's (and throw alike)
    json: (): unknown => (output.json !== null ? output.json : JSON.parse(text())),
    data,
    blob: () => new Blob([data()], { type: output.mime }),
  };
}
