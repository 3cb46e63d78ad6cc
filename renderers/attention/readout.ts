/**
 * The words beside the map: what the overlay shows, and for an inspected patch where it is
 * (row, column, which image) and how much of its attention crosses to the other image, the
 * number a difference-captioning model needs to be high somewhere.
 */
import type { AttentionPayload } from '../../kernels/outputs/contracts';
import { halfOf, patchIndex, type Patch } from './grid';
import { halfShares, matrixRow, meanShareAcrossBoundary, shareAcrossBoundary, shareOfPatch } from './matrices';
import { currentHead, currentLayer, shownMatrix, type ViewState } from './state';
import type { WeightCache } from './weights';

export function percent(share: number): string {
  return `${(100 * share).toFixed(1)}%`;
}

/** What the large view shows, e.g. "ViT layer 3, head 5" or "Rollout across all ViT layers". */
export function mapLabel(payload: AttentionPayload, state: ViewState): string {
  if (state.rollout && payload.rollout) return 'Rollout across all ViT layers';
  const where = `layer ${currentLayer(payload, state).layer}, head ${currentHead(payload, state).head}`;
  if (state.source === 'vit') return `ViT ${where}`;
  return `Q-Former cross-attention ${where}, ${state.query === null ? 'mean over queries' : `query ${state.query}`}`;
}

export function patchName(p: Patch, boundaryRow: number): string {
  return `Patch (row ${p.row}, column ${p.column}) in the ${halfOf(p, boundaryRow)} image`;
}

const HINT = 'Hover the map, or focus it and use the arrow keys, to see where one patch looks.';

export function readoutText(payload: AttentionPayload, state: ViewState, patch: Patch | null, cache: WeightCache): string {
  const m = shownMatrix(payload, state);
  const values = cache.of(m);
  const boundary = payload.boundaryRow * payload.grid.columns;
  const label = mapLabel(payload, state);
  if (state.source === 'cross' && !(state.rollout && payload.rollout)) {
    const row = state.query === null ? cache.mean(m) : matrixRow(values, m.columns, state.query);
    if (patch) {
      const share = shareOfPatch(row, patchIndex(patch, payload.grid));
      return `${patchName(patch, payload.boundaryRow)} gets ${percent(share)} of ${state.query === null ? 'the attention of an average query' : `the attention of query ${state.query}`} (${label}).`;
    }
    const { top, bottom } = halfShares(row, boundary);
    const who = state.query === null ? 'on average, a query gives' : `query ${state.query} gives`;
    return `${label}: ${who} ${percent(top)} of its attention to the top image and ${percent(bottom)} to the bottom image.`;
  }
  if (patch) {
    const index = patchIndex(patch, payload.grid);
    const share = shareAcrossBoundary(matrixRow(values, m.columns, index), index, boundary);
    return `${patchName(patch, payload.boundaryRow)}: ${percent(share)} of its attention goes to the other image (${label}).`;
  }
  const mean = meanShareAcrossBoundary(values, m.rows, boundary);
  return `${label}, mean over the ${m.rows} patches that look: on average ${percent(mean)} of a patch's attention goes to the other image. ${HINT}`;
}
