/**
 * The attention job, run in a worker: load the base (and a PEFT adapter), prepare one pair as
 * the model sees it (stacked, squashed to the square image size), capture the attention maps
 * of one forward pass, caption the pair, and build the attention output.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { PairPipeline } from '../data/images/pairPipeline';
import { denormalize } from '../data/images/normalize';
import { channelsFirstValues } from '../data/images/processor';
import { loadData } from '../data/dataSpec';
import { attentionBundle, attentionPayload } from '../display/attention';
import { blip2AttentionMaps } from '../model/blip2/attentionMaps';
import { loadBlip2Base } from '../model/blip2/baseFolder';
import { generate } from '../model/blip2/generate';
import type { AttentionJob, AttentionRecord } from '../runs/jobs';

export async function runAttentionJob(job: AttentionJob, backend: string): Promise<AttentionRecord> {
  const { model, tokenizer } = await loadBlip2Base(job.base, job.adapter ? { adapter: job.adapter } : {});
  try {
    const data = await loadData(job.data);
    const sample =
      job.sampleId === undefined ? (data.samples.find((s) => s.split === 'test') ?? data.samples[0]) : data.samples.find((s) => s.id === job.sampleId);
    if (!sample) throw new Error(`attention: sample ${JSON.stringify(job.sampleId)}: expected the id of a pair of ${data.label}, found none`);
    const { imageSize: size, patchSize: patch } = model.config.vision;
    const prepared = await new PairPipeline({ width: size, height: size }).prepare([sample], 0);
    if (prepared.samples.length === 0) throw new Error(`attention: the pair ${sample.id} could not be read (see the dataset's problems)`);
    const pixelValues = tf.tensor4d(channelsFirstValues(prepared.pixels, 1, size), [1, 3, size, size]);
    const maps = blip2AttentionMaps(model, pixelValues);
    const caption = tokenizer.decode(generate(model, { pixelValues }, { maxNewTokens: 24 }).sequences[0] as number[]);
    pixelValues.dispose();
    const image = denormalize(prepared.pixels, 0, size, size);
    const grid = size / patch;
    const payload = await attentionPayload({
      title: `Attention on ${sample.id} (${sample.category})${job.adapter ? `, adapter ${path.basename(job.adapter)}` : ', base model'}`,
      image,
      grid: { rows: grid, columns: grid, patch },
      caption,
      vit: maps.vit,
      cls: maps.cls,
      cross: maps.cross,
      crossLayers: maps.crossLayers,
      rollout: maps.rollout,
      ...(job.layers ? { layers: job.layers } : {}),
      ...(job.heads ? { heads: job.heads } : {}),
    });
    const bundle = await attentionBundle(payload, image);
    return { name: job.name, payload, png: Buffer.from(bundle['image/png'] as Uint8Array).toString('base64'), text: bundle['text/plain'] as string, backend };
  } finally {
    model.dispose();
  }
}
