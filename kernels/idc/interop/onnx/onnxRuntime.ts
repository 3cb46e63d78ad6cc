/**
 * onnxruntime-node, an optional dependency: loaded on first use, and when it is missing (or
 * its native library does not load) the reason is given instead, so callers fall back to
 * TensorFlow.js. CUDA runs where the user installed its provider (npm's
 * `--onnxruntime-node-install=cuda12`); otherwise the CPU.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';

export type OrtModule = typeof Ort;
export type OnnxDevice = 'cpu' | 'cuda' | 'auto';

export interface SessionSettings {
  /** Threads inside one operator (default 1: the ablation runs one process per core). */
  threads?: number;
  /** 'auto' (default): CUDA when its provider library is installed, else the CPU. */
  device?: OnnxDevice;
}

let loaded: Promise<{ ort: OrtModule } | { reason: string }> | undefined;

/** The runtime, or why it is not available. */
export function loadOnnxRuntime(): Promise<{ ort: OrtModule } | { reason: string }> {
  loaded ??= (async () => {
    try {
      const ort = (await import(/* optional */ 'onnxruntime-node')) as OrtModule & { default?: OrtModule };
      // CommonJS through import(): the API may sit on `default`
      const api = typeof ort.InferenceSession?.create === 'function' ? ort : ort.default;
      if (!api || typeof api.InferenceSession?.create !== 'function') return { reason: 'onnxruntime-node loaded without an InferenceSession' };
      return { ort: api };
    } catch (error) {
      return { reason: `onnxruntime-node is not available: ${(error as Error).message.split('\n')[0]}` };
    }
  })();
  return loaded;
}

/** Whether the CUDA provider's library sits beside onnxruntime-node's binding (installed with cuda12). */
export function cudaProviderInstalled(): boolean {
  try {
    const root = path.dirname(require.resolve('onnxruntime-node/package.json'));
    return fs.existsSync(path.join(root, 'bin', 'napi-v6', process.platform, process.arch, 'libonnxruntime_providers_cuda.so'));
  } catch {
    return false;
  }
}

export function executionProviders(device: OnnxDevice = 'auto'): string[] {
  if (device === 'cuda') return ['cuda', 'cpu'];
  if (device === 'auto' && cudaProviderInstalled()) return ['cuda', 'cpu'];
  return ['cpu'];
}

export function sessionOptions(settings: SessionSettings = {}): Ort.InferenceSession.SessionOptions {
  return {
    executionProviders: executionProviders(settings.device),
    intraOpNumThreads: settings.threads ?? 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
}
