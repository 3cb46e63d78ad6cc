/**
 * What every part of one explorer reads. The parts share one live view state and one weight
 * cache, so a matrix a small multiple decoded is not decoded again for the large view.
 */
import type { AttentionPayload } from '../../kernels/outputs/contracts';
import type { ViewState } from './state';
import type { WeightCache } from './weights';

export interface ExplorerContext {
  doc: Document;
  payload: AttentionPayload;
  /** Changed in place by the controls, the small multiples and the map. */
  state: ViewState;
  cache: WeightCache;
  /** Prefix of this explorer's element ids; outputs rendered without a shadow root share a document. */
  idPrefix: string;
  /** The stacked pair as a data: URL, shared by the large view and every thumbnail. */
  imageUrl: string;
}
