/**
 * The words beside the map: what the overlay shows, and for an inspected patch where it is
 * (row, column, which image) and how much of its attention crosses to the other image, the
 * number a difference-captioning model needs to be high somewhere. A ViT with a CLS token
 * (BLIP-2's) has it set apart: the maps cover patches, and what CLS gets and gives is told here.
 */
import type { AttentionPayload, QuantisedMatrix } from '../../kernels/outputs/contracts';
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

/** The CLS token's rows for the layer and head shown (ViT only), when the payload has them. */
function classToken(payload: AttentionPayload, state: ViewState): { looksAt: QuantisedMatrix; given: QuantisedMatrix } | null {
  if (state.source !== 'vit' || (state.rollout && payload.rollout) || !payload.cls) return null;
  const layer = payload.cls.find((l) => l.layer === currentLayer(payload, state).layer);
  return layer?.heads.find((h) => h.head === currentHead(payload, state).head) ?? null;
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
  const cls = classToken(payload, state);
  if (patch) {
    const index = patchIndex(patch, payload.grid);
    const share = shareAcrossBoundary(matrixRow(values, m.columns, index), index, boundary);
    const toCls = cls ? `; it gives the CLS token ${percent(cache.of(cls.given)[index] ?? 0)}` : '';
    return `${patchName(patch, payload.boundaryRow)}: ${percent(share)} of its attention${cls ? ' over the patches' : ''} goes to the other image${toCls} (${label}).`;
  }
  const mean = meanShareAcrossBoundary(values, m.rows, boundary);
  let clsText = '';
  if (cls) {
    const given = cache.of(cls.given);
    const meanGiven = given.reduce((a, b) => a + b, 0) / Math.max(1, given.length);
    const { top, bottom } = halfShares(cache.of(cls.looksAt), boundary);
    clsText = ` The CLS token, shown apart: it gets ${percent(meanGiven)} of a patch's attention on average, and gives ${percent(top)} of its attention over the patches to the top image and ${percent(bottom)} to the bottom one.`;
  }
  return `${label}, mean over the ${m.rows} patches that look: on average ${percent(mean)} of a patch's attention${cls ? ' over the patches' : ''} goes to the other image.${clsText} ${HINT}`;
}
