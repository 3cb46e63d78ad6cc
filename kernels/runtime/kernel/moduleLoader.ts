/**
 * `import` and `require` for cells, resolved from the notebook's folder so the workspace's
 * node_modules work. CommonJS loads with require; ES modules fall back to import().
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface ModuleLoader {
  (specifier: string): Promise<unknown>;
  /** TypeScript's esModuleInterop for a default import. */
  interopDefault(module: unknown): { default: unknown };
  require: NodeJS.Require;
}

export function createModuleLoader(baseDir: string, builtins: Readonly<Record<string, unknown>>): ModuleLoader {
  const req = createRequire(path.join(baseDir, '__idc_notebook__.js'));
  const load = async (specifier: string): Promise<unknown> => {
    if (Object.hasOwn(builtins, specifier)) return builtins[specifier];
    try {
      return req(specifier);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ERR_REQUIRE_ESM' && code !== 'ERR_REQUIRE_ASYNC_MODULE' && code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw error;
      const resolved = resolveForImport(req, specifier);
      return import(resolved);
    }
  };
  const loader = load as ModuleLoader;
  loader.interopDefault = (module: unknown) => {
    const isNamespace = Object.prototype.toString.call(module) === '[object Module]';
    const isTranspiledEsm = typeof module === 'object' && module !== null && (module as { __esModule?: boolean }).__esModule;
    return isNamespace || isTranspiledEsm ? (module as { default: unknown }) : { default: module };
  };
  loader.require = req;
  return loader;
}

function resolveForImport(req: NodeJS.Require, specifier: string): string {
  try {
    return pathToFileURL(req.resolve(specifier)).href;
  } catch {
    return specifier; // an "exports" map with import conditions only: let import() resolve it
  }
}
