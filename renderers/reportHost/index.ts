/**
 * The HTML report's renderer host, in the page: bundled to dist/reportHost.js by
 * scripts/build.mjs (beside, not among, the contributed renderers: VS Code hosts those in the
 * editor), inlined by kernels/runtime/report/htmlReport.ts and imported by its bootstrap.
 * Each renderer module is imported from a blob: URL, the one source of code the CSP allows
 * besides inline scripts.
 */
import { renderReport } from './page';

void renderReport(document, (source) => import(URL.createObjectURL(new Blob([source], { type: 'text/javascript' }))));
