/**
 * The viewer's style sheet (added to the shared base style). Every colour is a `--vscode-*`
 * theme variable with a fallback for the HTML report and tests; high-contrast themes set
 * --vscode-contrastBorder, which the borders prefer. The heatmap's own colours are data,
 * drawn into its canvas, not style.
 */
export const STYLE = `
[hidden] { display: none !important; }
.selection, .hint, .position, .pair-status, .difference-summary, .side figcaption, .empty {
  color: var(--vscode-descriptionForeground, #666); font-size: 0.92em; }
.notes { margin: 4px 0; padding-left: 1.4em; }
.modes { display: inline-flex; gap: 2px; }
/* high-contrast themes give pressed and plain buttons one background; their active border tells them apart */
.modes button[aria-pressed="true"] { box-shadow: inset 0 -3px 0 var(--vscode-contrastActiveBorder, transparent); }
.slider-value { display: inline-block; min-width: 4.5em; margin-left: 4px; font-variant-numeric: tabular-nums; }
.pairs { display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 12px; margin: 8px 0; }
.pair { min-width: 0; padding: 8px; border-radius: 4px;
  border: 1px solid var(--vscode-contrastBorder, var(--vscode-panel-border, #ccc));
  background: var(--vscode-editorWidget-background, transparent); }
.pair-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
.pair-id { margin: 0; font-size: 1em; font-family: var(--vscode-editor-font-family, monospace); overflow-wrap: anywhere; }
.position { white-space: nowrap; }
.stage { margin: 6px 0 2px; }
.stage-two-up { display: flex; gap: 6px; }
.side { flex: 1 1 0; min-width: 0; margin: 0; }
.side figcaption { margin-bottom: 2px; }
.viewport { position: relative; overflow: hidden; width: 100%; margin: 0 auto; cursor: grab; touch-action: none; user-select: none;
  background: var(--vscode-editor-background, #fff);
  border: 1px solid var(--vscode-contrastBorder, var(--vscode-panel-border, #ccc)); box-sizing: border-box; }
.viewport.panning { cursor: grabbing; }
.layer { position: absolute; inset: 0; transform-origin: 0 0; }
.layer > img, .layer > canvas { position: absolute; inset: 0; width: 100%; height: 100%; display: block; }
.pixelated .layer > img, .layer > .heat, .layer > .mask { image-rendering: pixelated; }
.clip { position: absolute; inset: 0; overflow: hidden; }
.dim { opacity: 0.35; filter: grayscale(1); }
.divider { position: absolute; top: 0; bottom: 0; width: 0; margin-left: -1px; cursor: ew-resize; touch-action: none;
  border-left: 2px solid var(--vscode-focusBorder, #0090f1); }
.divider::before { content: ''; position: absolute; top: 0; bottom: 0; left: -9px; width: 16px; }
.divider .knob { position: absolute; top: 50%; left: -9px; width: 14px; height: 28px; margin-top: -14px; border-radius: 3px;
  background: var(--vscode-button-background, #0e70c0);
  border: 1px solid var(--vscode-contrastBorder, var(--vscode-button-foreground, #fff)); }
.divider:focus { outline: none; }
.divider:focus-visible .knob { outline: 2px solid var(--vscode-focusBorder, #0090f1); outline-offset: 1px; }
.corner { position: absolute; top: 4px; padding: 0 4px; border-radius: 2px; font-size: 0.85em; pointer-events: none;
  color: var(--vscode-foreground, #333); background: var(--vscode-editorWidget-background, #f3f3f3); opacity: 0.85; }
.corner.left { left: 4px; }
.corner.right { right: 4px; }
.difference-summary { margin: 2px 0; }
.note { color: var(--vscode-editorWarning-foreground, #bf8803); }
.pair-tools { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 12px; margin: 4px 0; }
.tools { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 4px; }
.tools select { max-width: 8em; }
.zoom-level { min-width: 3.5em; text-align: center; font-variant-numeric: tabular-nums; }
.pair-status { margin: 2px 0; }
.pair-status:empty { margin: 0; }
.info p { margin: 4px 0; }
.label { font-weight: 600; }
.reference-list { margin: 2px 0 4px; padding-left: 1.6em; }
.reference, .prediction-text, .origin { overflow-wrap: anywhere; }
.scores { display: flex; flex-wrap: wrap; gap: 4px 8px; margin: 4px 0; padding: 0; list-style: none; font-variant-numeric: tabular-nums; }
.score { padding: 0 6px; border-radius: 8px; border: 1px solid var(--vscode-contrastBorder, transparent);
  background: var(--vscode-badge-background, #c4c4c4); color: var(--vscode-badge-foreground, #333); }
`;
