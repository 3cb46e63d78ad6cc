/**
 * The attention job, run in a worker: load the base (and an adapter), prepare one pair as
 * the model sees it, capture the attention maps of one forward pass, caption the pair, and
 * build the attention output.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadModel } from '../model/baseModel';
import { captureAttentionMaps } from '../model/attentionMaps';
import { greedyDecode } from '../model/decoding';
import { patchGrid } from '../model/config';
import type { Blip2Idc } from '../model/blip2idc';
import { PairPipeline } from '../data/images/pairPipeline';
import { denormalize } from '../data/images/normalize';
import { attentionBundle, attentionPayload } from '../display/attention';
import { loadPeftAdapter, PEFT_CONFIG_FILE, readRunAdapter } from '../interop/peftAdapter';
import { loadData } from '../data/dataSpec';
import { patchTensor } from '../train/captionBatch';
import type { AttentionJob, AttentionRecord } from '../runs/jobs';

/** Attaches an adapter: a PEFT folder, or a run's adapter.safetensors (rank and modules in its metadata). */
export async function attachAdapter(model: Blip2Idc, adapter: string): Promise<void> {
  if (fs.existsSync(path.join(adapter, PEFT_CONFIG_FILE))) {
    await loadPeftAdapter(adapter, model);
    return;
  }
  const { tensors, settings } = await readRunAdapter(adapter);
  model.attachLora(settings, 0);
  model.params.assign(tensors, 'adapter', adapter);
}

export async function runAttentionJob(job: AttentionJob, backend: string): Promise<AttentionRecord> {
  const { model, tokenizer } = await loadModel(job.base);
  try {
    if (job.adapter) await attachAdapter(model, job.adapter);
    const data = await loadData(job.data);
    const sample =
      job.sampleId === undefined ? (data.samples.find((s) => s.split === 'test') ?? data.samples[0]) : data.samples.find((s) => s.id === job.sampleId);
    if (!sample) throw new Error(`attention: sample ${JSON.stringify(job.sampleId)}: expected the id of a pair of ${data.label}, found none`);
    const { width, height } = model.config.image;
    const prepared = await new PairPipeline({ width, height }).prepare([sample], 0);
    if (prepared.samples.length === 0) throw new Error(`attention: the pair ${sample.id} could not be read (see the dataset's problems)`);
    const patches = patchTensor(prepared.pixels, 1, model.config);
    const maps = captureAttentionMaps(model, patches);
    const caption = tokenizer.decode(greedyDecode(model, patches)[0] as number[]);
    patches.dispose();
    const image = denormalize(prepared.pixels, 0, width, height);
    const grid = patchGrid(model.config);
    const payload = await attentionPayload({
      title: `Attention on ${sample.id} (${sample.category})${job.adapter ? `, adapter ${path.basename(path.dirname(job.adapter))}/${path.basename(job.adapter)}` : ', base model'}`,
      image,
      grid: { rows: grid.rows, columns: grid.columns, patch: model.config.image.patch },
      caption,
      vit: maps.vit,
      cross: maps.cross,
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
