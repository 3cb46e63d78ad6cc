/**
 * The explorer's style sheet. Every colour is a `--vscode-*` variable with a fallback for
 * the HTML report and tests, so light, dark and high-contrast themes all work; the heatmap
 * ramp is the one fixed colour scale (see heatmap.ts). Lines drawn over the picture (the
 * boundary, the inspected patch) get a halo in the editor background so they show on any
 * image and any heatmap colour.
 */
export const ATTENTION_STYLE = `
.attention { display: flex; flex-direction: column; gap: 6px; }
/* Author rules such as .controls label { display } would otherwise show hidden controls. */
.attention [hidden] { display: none !important; }
input[type="range"] { accent-color: var(--vscode-focusBorder, #0090f1); background: transparent; border: none; padding: 0; }
.caption { margin: 0; }
.caption .label { color: var(--vscode-descriptionForeground, #666); }
.caption .text { font-family: var(--vscode-editor-font-family, monospace); overflow-wrap: anywhere; white-space: pre-wrap; }
.controls label { display: inline-flex; align-items: center; gap: 4px; }
.controls output { min-width: 2.5em; font-variant-numeric: tabular-nums; }
.group { display: inline-flex; gap: 0; }
.group button + button { border-left-width: 0; }
.rollout-note { color: var(--vscode-descriptionForeground, #666); font-size: 0.92em; }
.main { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: flex-start; }
.large { display: flex; flex-direction: column; gap: 4px; margin: 0; max-width: 100%; }
.stage { position: relative; max-width: 100%; height: auto; cursor: crosshair; box-sizing: content-box;
  background: var(--vscode-editorWidget-background, #eee); border: 1px solid var(--vscode-contrastBorder, var(--vscode-panel-border, #ccc)); }
.stage:focus-visible { outline: 2px solid var(--vscode-focusBorder, #0090f1); outline-offset: 2px; }
.stage img, .stage canvas, .thumb img, .thumb canvas { position: absolute; inset: 0; width: 100%; height: 100%; display: block; }
canvas.overlay { image-rendering: pixelated; opacity: var(--overlay-opacity, 0.7); pointer-events: none; }
.boundary { position: absolute; left: 0; right: 0; height: 0; pointer-events: none;
  border-top: 2px solid var(--vscode-charts-red, #e51400); margin-top: -1px;
  box-shadow: 0 -1px 0 var(--vscode-editor-background, #fff), 0 1px 0 var(--vscode-editor-background, #fff); }
.thumb .boundary { border-top-width: 1px; margin-top: 0; box-shadow: none; }
.outline { position: absolute; box-sizing: border-box; pointer-events: none;
  border: 2px solid var(--vscode-editor-foreground, #000);
  box-shadow: 0 0 0 1px var(--vscode-editor-background, #fff), inset 0 0 0 1px var(--vscode-editor-background, #fff); }
.outline[hidden] { display: none; }
.legend { display: flex; align-items: center; gap: 6px; font-size: 0.92em; color: var(--vscode-descriptionForeground, #666); }
.ramp { width: 120px; height: 10px; border: 1px solid var(--vscode-contrastBorder, transparent); background-origin: border-box; }
.readout { margin: 0; max-width: 30em; min-height: 2.8em; font-family: var(--vscode-editor-font-family, monospace); font-size: 0.95em; }
.multiples { margin: 0; display: flex; flex-direction: column; gap: 4px; }
.multiples figcaption, .large figcaption { color: var(--vscode-descriptionForeground, #666); }
.heads { display: flex; flex-wrap: wrap; gap: 6px; max-width: 480px; }
button.multiple { display: flex; flex-direction: column; align-items: center; gap: 2px; padding: 3px; cursor: pointer; }
button.multiple[aria-pressed="true"] { outline: 2px solid var(--vscode-focusBorder, #0090f1); outline-offset: 0; }
.thumb { position: relative; overflow: hidden; background: var(--vscode-editorWidget-background, #eee); }
.problem { margin: 0; }
`;
