/**
 * The compute backend, chosen once per process in the order of architecture.md: CUDA
 * (`@tensorflow/tfjs-node-gpu`), native TensorFlow (`@tensorflow/tfjs-node`), WebGPU (the
 * `webgpu` package), WASM (the default on a CPU machine), plain CPU (the reference). Optional
 * packages that are not installed are skipped; the choice and the reasons are reported.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-backend-cpu';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { shareIdentityBuffers } from './wasmIdentity';
import { installWebGpu, type WebGpuAdapterInfo } from './webgpu';

export const BACKENDS = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendChoice {
  name: BackendName;
  /** The adapter, when the backend is WebGPU. */
  adapter?: WebGpuAdapterInfo;
  /** Why each backend before it was passed over. */
  skipped: Array<{ name: BackendName; reason: string }>;
}

let chosen: BackendChoice | undefined;

/** Where the WASM binaries are: beside the bundle (dist/wasm), else in node_modules. */
function wasmDirectory(): string {
  const bundled = path.join(__dirname, 'wasm');
  if (fs.existsSync(path.join(bundled, 'tfjs-backend-wasm-simd.wasm'))) return bundled;
  const id = '@tensorflow/tfjs-backend-wasm/package.json'; // resolved at run time, not bundled
  return path.join(path.dirname(require.resolve(id)), 'dist');
}

let adapter: WebGpuAdapterInfo | undefined;

/** Starts one backend; undefined when it runs, else why not. `named`: the user asked for it by name. */
async function tryBackend(name: BackendName, named: boolean): Promise<string | undefined> {
  try {
    switch (name) {
      case 'tensorflow-gpu':
        await import(/* optional */ '@tensorflow/tfjs-node-gpu' as string);
        return (await tf.setBackend('tensorflow')) ? undefined : 'tfjs-node-gpu loaded but its backend did not start';
      case 'tensorflow':
        await import(/* optional */ '@tensorflow/tfjs-node' as string);
        return (await tf.setBackend('tensorflow')) ? undefined : 'tfjs-node loaded but its backend did not start';
      case 'webgpu': {
        // a software adapter runs the same shaders (what the gradient checks need) but slower
        // than WASM: used only when asked for by name
        const info = await installWebGpu(named);
        await import('@tensorflow/tfjs-backend-webgpu'); // bundled: it must share tfjs-core's engine
        if (!(await tf.setBackend('webgpu'))) return 'the WebGPU backend did not start';
        adapter = info;
        return undefined;
      }
      case 'wasm':
        setWasmPaths(`${wasmDirectory()}${path.sep}`);
        // one thread per process: the ablation runs one process per core instead
        setThreadsCount(1);
        shareIdentityBuffers('wasm');
        return (await tf.setBackend('wasm')) ? undefined : 'the WASM backend did not start';
      case 'cpu':
        return (await tf.setBackend('cpu')) ? undefined : 'the CPU backend did not start';
    }
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return /Cannot find (module|package)|MODULE_NOT_FOUND/.test(message ?? '') ? 'not installed' : message;
  }
}

/**
 * Starts the first backend that loads, from `prefer` (default: the fixed order). Called again
 * with the same preference it returns the earlier choice; with another it switches.
 */
export async function useBackend(prefer?: BackendName | readonly BackendName[]): Promise<BackendChoice> {
  const order: readonly BackendName[] = prefer === undefined ? BACKENDS : typeof prefer === 'string' ? [prefer] : prefer;
  for (const n of order)
    if (!(BACKENDS as readonly string[]).includes(n)) throw new RangeError(`backend: expected one of ${BACKENDS.join(', ')}, found ${JSON.stringify(n)}`);
  if (chosen && order.includes(chosen.name) && order[0] === chosen.name) return chosen;
  const skipped: BackendChoice['skipped'] = [];
  for (const name of order) {
    const reason = await tryBackend(name, order.length === 1);
    if (reason === undefined) {
      await tf.ready();
      chosen = { name, skipped, ...(name === 'webgpu' && adapter ? { adapter } : {}) };
      return chosen;
    }
    skipped.push({ name, reason });
  }
  throw new Error(`no compute backend started: ${skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}`);
}

export function describeBackend(choice: BackendChoice): string {
  const passed = choice.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  const a = choice.adapter;
  const device = a ? ` on ${a.description || a.device || a.vendor} (${a.backend}${a.software ? ', software' : ''})` : '';
  return `backend ${choice.name}${device}${passed ? ` (passed over ${passed})` : ''}`;
}
