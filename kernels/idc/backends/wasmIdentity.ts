/**
 * The WASM backend's Identity kernel, registered again so that it shares its input's buffer
 * (one more reference, as the WASM backend's own Reshape and the CPU backend's Identity do)
 * instead of copying it. Autodiff clones every tensor a gradient saves through this kernel, and
 * the copies were about a tenth of a LoRA training step; tensors are immutable and every WASM
 * kernel writes a fresh output, so a shared buffer is never written through the clone.
 */
import * as tf from '@tensorflow/tfjs-core';

interface RefCounted {
  incRef(dataId: tf.DataId): void;
}

function hasRefCount(backend: unknown): backend is RefCounted {
  return typeof (backend as Partial<RefCounted> | null)?.incRef === 'function';
}

/** Backends whose Identity shares buffers already: registering twice would wrap the kernel in itself. */
const shared = new Set<string>();

export function shareIdentityBuffers(backendName = 'wasm'): void {
  if (shared.has(backendName)) return;
  const registered = tf.getKernel(tf.Identity, backendName);
  if (!registered) throw new Error(`backend ${backendName}: no Identity kernel to replace`);
  tf.unregisterKernel(tf.Identity, backendName);
  tf.registerKernel({
    kernelName: tf.Identity,
    backendName,
    kernelFunc: ({ inputs, backend }) => {
      const x = (inputs as tf.IdentityInputs).x as tf.TensorInfo;
      if (x.dtype === 'string' || !hasRefCount(backend)) return registered.kernelFunc({ inputs, backend, attrs: {} });
      backend.incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
  shared.add(backendName);
}
