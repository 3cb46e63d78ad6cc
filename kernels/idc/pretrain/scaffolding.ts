/**
 * The scaffolding of pretraining: heads that exist only while the base is pretrained, never
 * saved with it, each adding a loss that reaches the image more directly than captions do.
 * - scene parsing, on the vision encoder's patch outputs (`vision.last_hidden_state` without
 *   the CLS row): per patch, the object centred there (colour, shape, the sign) and its half's
 *   background (sceneParsing.ts);
 * - contents, on the language model's prefix (`language_projection`): which colours, shapes and
 *   signs each half holds, multi-label, the maximum over the queries (some query has to find
 *   each object).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SeededRandom } from '../../platform/random';
import { OBJECT_COLOUR_NAMES, SHAPES } from '../data/synthetic/palette';
import type { Scene } from '../data/synthetic/scene';
import type { Blip2Config } from '../model/blip2/config';
import { normalValues } from '../model/init';
import { dense, maskedCrossEntropy } from '../model/ops';
import { PARSE_CLASSES, PARSE_HEADS, parseLabels, type ParseHead } from './sceneParsing';

/** Labels per half for the contents head: colours, then shapes, then the sign. */
const HALF_LABELS = OBJECT_COLOUR_NAMES.length + SHAPES.length + 1;

/** The targets of one batch, made from the scenes stacked in each pair (top, bottom). */
export interface ScaffoldingTargets {
  /** Per head, [batch * patches] class ids, patches row-major over the square grid (top half first). */
  parse: Record<ParseHead, number[]>;
  /** [batch * 2 * HALF_LABELS], 0 or 1. */
  contents: number[];
}

export function scaffoldingTargets(pairs: ReadonlyArray<readonly [Scene, Scene]>, config: Blip2Config): ScaffoldingTargets {
  // the squashed pair fills the square grid: each half is `grid` columns by `grid / 2` rows
  const grid = config.vision.imageSize / config.vision.patchSize;
  const parse: Record<ParseHead, number[]> = { colour: [], shape: [], pattern: [], tone: [] };
  const contents: number[] = [];
  for (const [top, bottom] of pairs) {
    const l = parseLabels(top, bottom, grid, grid / 2);
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
  return { parse, contents };
}

export interface ScaffoldingLosses {
  /** Mean cross-entropy over the parsing heads. */
  parse: tf.Scalar;
  /** Binary cross-entropy of the contents head. */
  contents: tf.Scalar;
}

export class ScaffoldingHeads {
  /** Trained with the base; disposed after pretraining. */
  readonly variables = new Map<string, tf.Variable>();

  constructor(config: Blip2Config, rng: SeededRandom) {
    const head = (name: string, inputs: number, outputs: number) => {
      this.variables.set(`${name}.weight`, tf.variable(tf.tensor2d(normalValues(inputs * outputs, 0.02, rng), [inputs, outputs])));
      this.variables.set(`${name}.bias`, tf.variable(tf.zeros([outputs])));
    };
    for (const h of PARSE_HEADS) head(`parse.${h}`, config.vision.hiddenSize, PARSE_CLASSES[h]);
    head('contents', config.text.hiddenSize, 2 * HALF_LABELS);
  }

  private w(name: string): tf.Tensor2D {
    return this.variables.get(`${name}.weight`) as tf.Variable<tf.Rank.R2>;
  }

  private b(name: string): tf.Tensor1D {
    return this.variables.get(`${name}.bias`) as tf.Variable<tf.Rank.R1>;
  }

  /**
   * The losses of a batch: `image` the vision encoder's output [B, N + 1, D_v] (CLS first),
   * `prefix` the projected queries [B, Q, D]. Call inside the gradient's function.
   */
  losses(image: tf.Tensor3D, prefix: tf.Tensor3D, targets: ScaffoldingTargets): ScaffoldingLosses {
    const [batch, tokens, dim] = image.shape;
    const patches = batch * (tokens - 1);
    // the maximum over the queries: a soft maximum or a mean gives every query a fraction of
    // the gradient and was measured not to move from the prior in 400 steps (earlier base)
    const scores = tf.max(dense(prefix, this.w('contents'), this.b('contents'), true), 1); // [B, 2 * HALF_LABELS]
    const present = tf.tensor2d(targets.contents, [batch, 2 * HALF_LABELS]);
    const contents = tf.mean(tf.sub(tf.softplus(scores), tf.mul(present, scores))) as tf.Scalar;
    const flat = tf.reshape(tf.slice(image, [0, 1, 0], [batch, tokens - 1, dim]), [patches, dim]); // CLS left out
    const ones = tf.ones([patches]) as tf.Tensor1D;
    const parts = PARSE_HEADS.map((h) =>
      maskedCrossEntropy(dense(flat, this.w(`parse.${h}`), this.b(`parse.${h}`), true) as tf.Tensor2D, tf.tensor1d(targets.parse[h], 'int32'), ones),
    );
    const parse = tf.div(tf.addN(parts), PARSE_HEADS.length) as tf.Scalar;
    return { parse, contents };
  }

  dispose(): void {
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
  }
}
