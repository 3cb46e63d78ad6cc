/**
 * The output contracts: the JSON payloads of IDC Lab's own MIME types, versioned by `v`.
 * The kernel writes them and the renderers read them; both import this module, which holds
 * types and constants only (it is bundled into browser code).
 */
export { IDC_MIME } from './mime';

/** application/vnd.idc-lab.progress+json: a loop's progress, updated in place. */
export interface ProgressPayload {
  v: 1;
  label: string;
  /** Items finished. */
  done: number;
  /** Items in all, when known. */
  total: number | null;
  ratePerSecond: number | null;
  etaSeconds: number | null;
  elapsedSeconds: number;
  state: 'running' | 'done' | 'failed';
}
