/**
 * The defaults of IDC Lab's entry points, in one place: `idc.train.ablation`, `idc.viz.attention`,
 * the LoRA trainer and the runs they start read them from here. Plain values and no imports, so
 * every folder of the library may read it (.dependency-cruiser.cjs).
 */

/** The embedded data set: the synthetic generator's 2,000 pairs at 64 px, seed 1. */
export const DEFAULT_SYNTHETIC = { pairs: 2000, size: 64, seed: 1 } as const;

/** The compute backend of worker processes: WASM, the fastest that runs on any CPU machine. */
export const DEFAULT_BACKEND = 'wasm' as const;

/** Where an ablation's runs keep their checkpoints, adapters and results (relative to the notebook). */
export const DEFAULT_ABLATION_OUT = 'out/ablation';

/** The ablation's grid: ranks 4 and 16 on the Q-Former and LLM (docs/research-log.md). */
export const DEFAULT_GRID = { ranks: [4, 16], modules: [['qformer', 'llm']] } as const;

/**
 * LoRA training. The peak learning rate 3e-3 with the cosine schedule over 1,500 steps gives r16
 * on the Q-Former and LLM CIDEr-D 167.7 and 69.0% category accuracy from the shipped base (on
 * its first pretraining stage alone 3e-3 gave 92.1 and 42.5%, 6e-3 59.5 and 33.5%; the paper's
 * 5e-5 to 1e-4 are for BLIP-2's 3.8 B parameters); 1,500 steps is what the demo's two runs
 * train in about 8 minutes on two cores (1,200 gave 59.0%, 1,000 54.0%). A checkpoint every 25
 * steps loses at most a few seconds of work.
 */
export const DEFAULT_LORA_TRAINING = {
  learningRate: 3e-3,
  schedule: 'cosine',
  batchSize: 32,
  maxEpochs: 100,
  patience: 10,
  seed: 42,
  checkpointEvery: 25,
  maxSteps: 1500,
} as const;

/**
 * How test captions are decoded for scoring (the ablation, `onnxCaptions`): greedy, at most 24
 * new tokens, and EOS allowed from the first one. transformers 4.40's BLIP-2 `generate` bans EOS
 * for the first `num_query_tokens` new tokens (its min_length counts the query prefix), which
 * `generate` keeps as its default for parity; on the mini model's 12 queries it forces 8-word
 * references into captions of 12 tokens or more, so scoring turns it off.
 */
export const DEFAULT_CAPTION_DECODING = { maxNewTokens: 24, minNewTokens: 0 } as const;
