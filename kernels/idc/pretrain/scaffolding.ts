/**
 * The scaffolding of pretraining: heads that exist only while the base is pretrained, never
 * saved with it, each adding a loss that reaches the image more directly than captions do.
 * - scene parsing, on the ViT's patch features: per patch, the object centred there (colour,
 *   shape, the sign) and its half's background (sceneParsing.ts);
 * - contents, on the decoder's prefix: which colours, shapes and signs each half holds,
 *   multi-label, the maximum over the queries (some query has to find each object);
 * - change (off unless weighted; measured no better for LoRA), on the ViT's patch features:
 *   whether the patch's place differs in the other half.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { ModelConfig } from '../model/config';
import { patchGrid } from '../model/config';
import { normalValues } from '../model/init';
import { dense, maskedCrossEntropy } from '../model/ops';
import type { SeededRandom } from '../../platform/random';
import type { Scene } from '../data/synthetic/scene';
import { OBJECT_COLOUR_NAMES, SHAPES } from '../data/synthetic/palette';
import { changeLabels, PARSE_CLASSES, PARSE_HEADS, parseLabels, type ParseHead } from './sceneParsing';

/** Labels per half for the contents head: colours, then shapes, then the sign. */
const HALF_LABELS = OBJECT_COLOUR_NAMES.length + SHAPES.length + 1;

/** The targets of one batch, made from the scenes stacked in each pair (top, bottom). */
export interface ScaffoldingTargets {
  parse: Record<ParseHead, number[]>;
  /** [batch * 2 * HALF_LABELS], 0 or 1. */
  contents: number[];
  /** [batch * tokens], 0 or 1: whether the patch's place differs between the halves (both halves alike). */
  change: number[];
}

export function scaffoldingTargets(pairs: ReadonlyArray<readonly [Scene, Scene]>, config: ModelConfig): ScaffoldingTargets {
  const grid = patchGrid(config);
  const parse: Record<ParseHead, number[]> = { colour: [], shape: [], pattern: [], tone: [] };
  const contents: number[] = [];
  const change: number[] = [];
  for (const [top, bottom] of pairs) {
    const l = parseLabels(top, bottom, grid.columns, grid.rows / 2);
    const changed = changeLabels(top, bottom, grid.columns, grid.rows / 2);
    change.push(...changed, ...changed);
    for (const head of PARSE_HEADS) parse[head].push(...l[head]);
    for (const half of [top, bottom]) {
      const present = new Array<number>(HALF_LABELS).fill(0);
      for (const o of half.objects) {
        present[OBJECT_COLOUR_NAMES.indexOf(o.colour)] = 1;
        present[OBJECT_COLOUR_NAMES.length + SHAPES.indexOf(o.shape)] = 1;
      }
      if (half.sign) present[HALF_LABELS - 1] = 1;
      contents.push(...present);
    }
  }
  return { parse, contents, change };
}

export interface ScaffoldingLosses {
  /** The caption loss plus the weighted scaffolding losses. */
  total: tf.Scalar;
  /** Mean cross-entropy over the parsing heads (kept: the caller disposes it). */
  parse?: tf.Scalar;
  /** Binary cross-entropy of the contents head (kept: the caller disposes it). */
  contents?: tf.Scalar;
  /** Binary cross-entropy of the change head (kept: the caller disposes it). */
  change?: tf.Scalar;
}

export class ScaffoldingHeads {
  /** Trained with the base; disposed after pretraining. */
  readonly variables = new Map<string, tf.Variable>();

  constructor(
    private readonly config: ModelConfig,
    readonly parseWeight: number,
    readonly contentsWeight: number,
    readonly changeWeight: number,
    rng: SeededRandom,
  ) {
    const head = (name: string, inputs: number, outputs: number) => {
      this.variables.set(`${name}.weight`, tf.variable(tf.tensor2d(normalValues(inputs * outputs, 0.02, rng), [inputs, outputs])));
      this.variables.set(`${name}.bias`, tf.variable(tf.zeros([outputs])));
    };
    if (parseWeight > 0) for (const h of PARSE_HEADS) head(`parse.${h}`, config.vit.dim, PARSE_CLASSES[h]);
    if (contentsWeight > 0) head('query', config.decoder.dim, 2 * HALF_LABELS);
    if (changeWeight > 0) head('change', config.vit.dim, 1);
  }

  private w(name: string): tf.Tensor2D {
    return this.variables.get(`${name}.weight`) as tf.Tensor as tf.Tensor2D;
  }

  private b(name: string): tf.Tensor1D {
    return this.variables.get(`${name}.bias`) as tf.Tensor as tf.Tensor1D;
  }

  /**
   * The caption loss of a batch plus the scaffolding losses: `image` the ViT's patch features
   * [B, N, dv], `prefix` the decoder's prefix [B, Q, dd]. Call inside the gradient's function.
   */
  addTo(caption: tf.Scalar, image: tf.Tensor3D, prefix: tf.Tensor3D, targets: ScaffoldingTargets): ScaffoldingLosses {
    const out: ScaffoldingLosses = { total: caption };
    const [batch, tokens] = image.shape;
    if (this.contentsWeight > 0) {
      // the maximum over the queries: a soft maximum (log-sum-exp) or a mean gives every query
      // a sixteenth of the gradient and was measured not to move from the prior in 400 steps
      const scores = tf.max(dense(prefix, this.w('query'), this.b('query'), true), 1); // [B, 2 * HALF_LABELS]
      const present = tf.tensor2d(targets.contents, [batch, 2 * HALF_LABELS]);
      out.contents = tf.keep(tf.mean(tf.sub(tf.softplus(scores), tf.mul(present, scores))) as tf.Scalar);
      out.total = tf.add(out.total, tf.mul(out.contents, this.contentsWeight)) as tf.Scalar;
    }
    if (this.changeWeight > 0) {
      // per patch: does this place differ in the other half (binary cross-entropy on a logit)
      const logits = tf.reshape(dense(tf.reshape(image, [-1, this.config.vit.dim]), this.w('change'), this.b('change'), true), [-1]);
      const changed = tf.tensor1d(targets.change, 'float32');
      out.change = tf.keep(tf.mean(tf.sub(tf.softplus(logits), tf.mul(changed, logits))) as tf.Scalar);
      out.total = tf.add(out.total, tf.mul(out.change, this.changeWeight)) as tf.Scalar;
    }
    if (this.parseWeight > 0) {
      const flat = tf.reshape(image, [-1, this.config.vit.dim]);
      const ones = tf.ones([batch * tokens]) as tf.Tensor1D;
      const parts = PARSE_HEADS.map((h) =>
        maskedCrossEntropy(dense(flat, this.w(`parse.${h}`), this.b(`parse.${h}`), true) as tf.Tensor2D, tf.tensor1d(targets.parse[h], 'int32'), ones),
      );
      out.parse = tf.keep(tf.div(tf.addN(parts), PARSE_HEADS.length) as tf.Scalar);
      out.total = tf.add(out.total, tf.mul(out.parse, this.parseWeight)) as tf.Scalar;
    }
    return out;
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}
