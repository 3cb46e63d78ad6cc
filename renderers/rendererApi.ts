/**
 * The part of VS Code's notebook renderer API our renderers use (the shapes of the
 * `vscode-notebook-renderer` types). The HTML report provides the same shapes.
 */
export interface OutputItem {
  readonly id: string;
  readonly mime: string;
  readonly metadata: unknown;
  text(): string;
  json(): unknown;
  data(): Uint8Array;
  blob(): Blob;
}

export interface RendererContext {
  readonly workspace: { readonly isTrusted: boolean };
  getState(): unknown;
  setState(state: unknown): void;
  postMessage?(message: unknown): void;
  onDidReceiveMessage?: unknown;
}

export interface RendererApi {
  renderOutputItem(item: OutputItem, element: HTMLElement, signal?: AbortSignal): void | Promise<void>;
  disposeOutputItem?(id?: string): void;
}

export type ActivationFunction = (context: RendererContext) => RendererApi | Promise<RendererApi>;
