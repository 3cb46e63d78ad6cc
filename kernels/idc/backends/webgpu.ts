/**
 * WebGPU in Node through the `webgpu` package (Dawn). On a GPU host Dawn picks Vulkan (or
 * Metal, D3D12) and tfjs-backend-webgpu runs unchanged. On a machine without a GPU there is
 * only a software adapter: Dawn's OpenGL ES backend in compatibility mode on Mesa's llvmpipe,
 * with EGL_PLATFORM=surfaceless (no display). It is slower than WASM, so the automatic choice
 * passes it over, but it runs the same shaders, which is what the gradient checks need.
 *
 * Two things tfjs does not do for compatibility mode: ask for a compatibility adapter, and ask
 * for the adapter's real limits. Compatibility devices start from lower default limits (4
 * storage buffers per shader stage), and a kernel that binds more (addN over 8 gradients)
 * then returns zeros without an error; asking for every limit the adapter has avoids that.
 */

export interface WebGpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** Dawn backend used: vulkan, opengles, metal, d3d12. */
  backend: string;
  /** A software rasteriser (llvmpipe, SwiftShader, lavapipe) rather than a GPU. */
  software: boolean;
}

/** The slice of the WebGPU API used here (the package's own types are ESM-only globals). */
interface Limits {
  [name: string]: unknown;
}
interface Adapter {
  readonly limits: Limits;
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean; backendType?: string };
  readonly isFallbackAdapter?: boolean;
  requestDevice(descriptor?: Record<string, unknown>): Promise<unknown>;
}
interface Gpu {
  requestAdapter(options?: Record<string, unknown>): Promise<Adapter | null>;
}
interface WebGpuModule {
  create(flags: string[]): Gpu;
  globals: Record<string, unknown>;
}

const SOFTWARE = /llvmpipe|softpipe|swiftshader|lavapipe|software/i;

/** Every numeric limit of an adapter, to be required of its device. */
export function adapterLimits(limits: Limits): Record<string, number> {
  const out: Record<string, number> = {};
  const names = new Set<string>([...Object.keys(limits), ...Object.getOwnPropertyNames(Object.getPrototypeOf(limits) ?? {})]);
  for (const name of names) {
    const value = limits[name];
    if (typeof value === 'number') out[name] = value;
  }
  return out;
}

function describeAdapter(adapter: Adapter, backend: string): WebGpuAdapterInfo {
  const info = adapter.info ?? {};
  const text = [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ');
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    backend,
    software: info.isFallbackAdapter === true || adapter.isFallbackAdapter === true || SOFTWARE.test(text),
  };
}

/** An adapter whose requestDevice asks for all of the adapter's limits. */
function withAllLimits(adapter: Adapter): Adapter {
  return new Proxy(adapter, {
    get(target, property) {
      if (property === 'requestDevice') {
        return (descriptor: Record<string, unknown> = {}) =>
          target.requestDevice({
            ...descriptor,
            requiredLimits: { ...adapterLimits(target.limits), ...((descriptor.requiredLimits as object | undefined) ?? {}) },
          });
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

let installed: WebGpuAdapterInfo | undefined;

/**
 * Finds an adapter (a GPU through Dawn's default backend, else, when `allowSoftware`, the
 * OpenGL ES software adapter), installs `navigator.gpu` and the WebGPU globals for tfjs, and
 * says what it found. Throws with the reason when there is none.
 */
export async function installWebGpu(allowSoftware: boolean): Promise<WebGpuAdapterInfo> {
  if (installed && (allowSoftware || !installed.software)) return installed;
  const webgpu = (await import(/* external */ 'webgpu' as string)) as WebGpuModule;
  const attempts: Array<{ backend: string; flags: string[]; options: Record<string, unknown> }> = [
    { backend: 'default', flags: [], options: {} },
    { backend: 'opengles', flags: ['backend=opengles'], options: { featureLevel: 'compatibility' } },
  ];
  const failures: string[] = [];
  for (const attempt of attempts) {
    if (attempt.backend === 'opengles' && !allowSoftware) {
      failures.push('opengles: a software adapter, slower than WASM; ask for webgpu by name to use it');
      continue;
    }
    // Mesa's EGL needs no display when told so; set before Dawn opens EGL
    if (attempt.backend === 'opengles' && process.env.EGL_PLATFORM === undefined) process.env.EGL_PLATFORM = 'surfaceless';
    let gpu: Gpu;
    let adapter: Adapter | null;
    try {
      gpu = webgpu.create(attempt.flags);
      adapter = await gpu.requestAdapter(attempt.options);
    } catch (error) {
      failures.push(`${attempt.backend}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      continue;
    }
    if (!adapter) {
      failures.push(`${attempt.backend}: no adapter`);
      continue;
    }
    const info = describeAdapter(adapter, attempt.backend === 'default' ? (adapter.info?.backendType ?? 'default') : attempt.backend);
    if (info.software && !allowSoftware) {
      failures.push(`${info.backend}: only a software adapter (${info.description || info.device}), slower than WASM; ask for webgpu by name to use it`);
      continue;
    }
    const options = attempt.options;
    const wrapped: Gpu = {
      requestAdapter: async (requested?: Record<string, unknown>) => {
        const a = await gpu.requestAdapter({ ...requested, ...options });
        return a ? withAllLimits(a) : null;
      },
    };
    Object.assign(globalThis, webgpu.globals);
    const g = globalThis as { navigator?: { gpu?: unknown } };
    if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: wrapped, configurable: true });
    else Object.defineProperty(globalThis, 'navigator', { value: { gpu: wrapped }, configurable: true, writable: true });
    installed = info;
    return info;
  }
  throw new Error(`no WebGPU adapter (${failures.join('; ')})`);
}
