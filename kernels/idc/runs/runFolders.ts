/**
 * Every run of a grid works in its own folder: `job.json` holds the settings that make the run
 * what it is, `result.json` its finished record, `checkpoint/` the state it resumes from. A grid
 * started again reads finished runs back instead of running them; a folder holding a run of
 * other settings, or other files, is refused rather than reused (its result or checkpoint would
 * pass for this configuration).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../../platform/atomicWrite';
import type { LoraJob, RunRecord, ZeroShotJob, ZeroShotRecord } from './jobs';

/** The folder of a run's training checkpoint: the trainer writes it, the live display reads its loss log. */
export function checkpointFolder(job: LoraJob): string {
  return path.join(job.dir, 'checkpoint');
}

/**
 * A base folder's fingerprint: its config.json and the names and sizes of its weight files
 * (hashing the weights themselves would read gigabytes for a real checkpoint), so a folder
 * whose model was remade in place no longer passes for the old one.
 */
export function baseFingerprint(folder: string): string {
  const hash = createHash('sha256');
  hash.update(fs.readFileSync(path.join(folder, 'config.json')));
  for (const name of fs.readdirSync(folder).sort()) if (name.endsWith('.safetensors')) hash.update(`${name}:${fs.statSync(path.join(folder, name)).size}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** What makes a run what it is: the settings a finished or checkpointed run is reused for. */
function jobSettings(job: LoraJob | ZeroShotJob): Record<string, unknown> {
  const { dir: _dir, name: _name, ...rest } = job;
  return rest;
}

/** A copy with every object's keys in order, so equal settings always serialise alike. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]),
  );
}

/** The top-level fields that differ between two saved settings, for the error message. */
function settingsDifference(saved: string, wanted: string): string {
  let a: Record<string, unknown>;
  try {
    a = JSON.parse(saved) as Record<string, unknown>;
  } catch {
    return 'job.json is not valid JSON';
  }
  if (typeof a !== 'object' || a === null) return 'job.json is not a JSON object';
  const b = JSON.parse(wanted) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
  return keys.map((k) => `${k}: ${JSON.stringify(a[k])} there, ${JSON.stringify(b[k])} now`).join('; ');
}

/** Claims each job's folder (writing its job.json) and returns the records of the runs already finished there. */
export async function openRunFolders(jobs: ReadonlyArray<LoraJob | ZeroShotJob>): Promise<Map<string, RunRecord | ZeroShotRecord>> {
  const done = new Map<string, RunRecord | ZeroShotRecord>();
  for (const job of jobs) {
    const settings = `${JSON.stringify(sortedKeys(jobSettings(job)), null, 1)}\n`;
    const settingsFile = path.join(job.dir, 'job.json');
    if (fs.existsSync(settingsFile)) {
      const saved = fs.readFileSync(settingsFile, 'utf8');
      if (saved !== settings)
        throw new Error(
          `${settingsFile}: this folder holds the run "${job.name}" with other settings (${settingsDifference(saved, settings)}); pass another \`out\` or remove ${job.dir}`,
        );
    } else if (fs.existsSync(job.dir) && fs.readdirSync(job.dir).length > 0) {
      throw new Error(`${job.dir}: expected an empty folder or one of this grid's runs (with job.json), found other files; pass another \`out\` or remove it`);
    }
    await fs.promises.mkdir(job.dir, { recursive: true });
    await writeFileAtomic(settingsFile, settings);
    const file = path.join(job.dir, 'result.json');
    if (fs.existsSync(file)) done.set(job.name, JSON.parse(fs.readFileSync(file, 'utf8')) as RunRecord | ZeroShotRecord);
  }
  return done;
}
