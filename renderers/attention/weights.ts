/**
 * Weights on demand: a matrix is decoded the first time a view needs it (only the layer on
 * screen, not the whole payload) and kept, with its mean over queries, for later views.
 */
import type { QuantisedMatrix } from '../../kernels/outputs/contracts';
import { dequantise, meanOverQueries } from './matrices';

export class WeightCache {
  private readonly values = new WeakMap<QuantisedMatrix, Float32Array>();
  private readonly means = new WeakMap<QuantisedMatrix, Float32Array>();
  /** Matrices decoded so far (how lazily a render worked). */
  decoded = 0;

  of(m: QuantisedMatrix): Float32Array {
    let v = this.values.get(m);
    if (!v) {
      v = dequantise(m);
      this.values.set(m, v);
      this.decoded++;
    }
    return v;
  }

  mean(m: QuantisedMatrix): Float32Array {
    let v = this.means.get(m);
    if (!v) {
      v = meanOverQueries(this.of(m), m.rows, m.columns);
      this.means.set(m, v);
    }
    return v;
  }
}

/**
 * The per-patch vector an overlay of `m` shows: the row of one looking patch (ViT, rollout)
 * or one query (Q-Former), else the mean over all of them.
 */
export function overlayValues(cache: WeightCache, m: QuantisedMatrix, row: number | null): Float32Array {
  if (row === null || row < 0 || row >= m.rows) return cache.mean(m);
  return cache.of(m).subarray(row * m.columns, (row + 1) * m.columns);
}
