/**
 * The HTML report's page contract: the elements kernels/runtime/report/htmlReport.ts writes
 * and the report's in-page renderer host (renderers/reportHost) reads. Both sides import
 * this module, so a renamed class or a changed payload breaks the build rather than the page.
 * Types and constants only (it is bundled into browser code).
 */
import type { JsonObject, JsonValue } from './mime';

/** Class names the builder writes and the host looks up. */
export const REPORT_CLASS = {
  /** A `<script type="application/json">` per renderer used: its ES module source as a JSON string, its id in `data-id`. */
  renderer: 'idc-renderer',
  /** A `<script type="application/json">` per rich output: a ReportOutput. */
  output: 'idc-output',
  /** The `<script type="application/json">` holding the host's own ES module source as a JSON string. */
  host: 'idc-report-host',
  /** The element a renderer draws into, appended to the output's element (which holds the static fallback). */
  rendered: 'rendered',
} as const;

/** One rich output, as the host hands it to its renderer. */
export interface ReportOutput {
  /** The id of the output's element in the page, and the output item's id. */
  id: string;
  mime: string;
  /** The id of the renderer that draws it (a `data-id` of a renderer script). */
  renderer: string;
  metadata: JsonObject;
  /** The parsed payload of a JSON MIME type, else null. */
  json: JsonValue | null;
  /** The bytes of any other MIME type (text as UTF-8), base64, else null. */
  base64: string | null;
}
