/**
 * The dependency rule (.dependency-cruiser.cjs, README "Architecture"): the tree holds it, and
 * each rule fails a wrong-way import with both files named. The wrong-way imports are made in
 * small trees of a temporary folder, laid out like the project, so the real tree is not touched.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const root = path.resolve(__dirname, '..');
const config = path.join(root, '.dependency-cruiser.cjs');
const cli = path.join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  rule: string;
  from: string;
  to: string;
}

/** dependency-cruiser's verdict on `folders` of `cwd`, as a user reads it, and the violations in it. */
async function cruise(cwd: string, folders: string[]): Promise<{ violations: Violation[]; text: string }> {
  let text: string;
  try {
    text = (await promisify(execFile)(process.execPath, [cli, '--config', config, '--output-type', 'err', ...folders], { cwd, maxBuffer: 64 * 1024 * 1024 }))
      .stdout;
  } catch (error) {
    const { stdout } = error as { stdout?: string };
    if (typeof stdout !== 'string' || stdout === '') throw error;
    text = stdout; // exit code 1: violations found
  }
  // "error <rule>: <from> → <to>"; a cycle goes on over the following lines
  const violations = [...text.matchAll(/^\s*error (\S+): (\S+) →\s+(\S+)/gm)].map(([, rule, from, to]) => ({
    rule: rule as string,
    from: from as string,
    to: to as string,
  }));
  return { violations, text };
}

/** A tree of `files` (path -> source) in a temporary folder, with the project's tsconfig options. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-layers-'));
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }));
  for (const [file, source] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), source);
  }
  return dir;
}

const FOLDERS = ['extension', 'kernels', 'renderers'];

describe('the dependency rule', () => {
  const made: string[] = [];
  const probe = (files: Record<string, string>) => {
    const dir = tree(files);
    made.push(dir);
    return cruise(
      dir,
      FOLDERS.filter((f) => fs.existsSync(path.join(dir, f))),
    );
  };
  after(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('holds on the whole tree: no wrong-way import and no cycle', async () => {
    const { violations, text } = await cruise(root, FOLDERS);
    assert.deepEqual(violations, [], text);
  });

  it('lets every layer use what is below it', async () => {
    const { violations, text } = await probe({
      'kernels/platform/random.ts': 'export const seed = 1;\n',
      'kernels/outputs/mime.ts': "import { seed } from '../platform/random';\nexport const mime = seed;\n",
      'renderers/progress/render.ts': "import { mime } from '../../kernels/outputs/mime';\nexport const r = mime;\n",
      'kernels/idc/display/progress.ts': "import { mime } from '../../outputs/mime';\nexport const p = mime;\n",
      'kernels/idc/data/open.ts': "import { p } from '../display/progress';\nexport const open = p;\n",
      'kernels/idc/model/lora.ts': 'export const lora = 1;\n',
      'kernels/idc/train/loop.ts': "import { open } from '../data/open';\nimport { lora } from '../model/lora';\nexport const loop = open + lora;\n",
      'kernels/idc/runs/pool.ts': "import { loop } from '../train/loop';\nexport const pool = loop;\n",
      'kernels/idc/viz/index.ts': "import { pool } from '../runs/pool';\nexport const viz = pool;\n",
      'kernels/idc/index.ts': "export { viz } from './viz/index';\n",
      'kernels/idc/commands.ts': "export { pool } from './runs/pool';\n",
      'kernels/runtime/protocol.ts': "import { mime } from '../outputs/mime';\nexport const protocol = mime;\n",
      'kernels/runtime/kernel/main.ts':
        "import { viz } from '../../idc/index';\nimport { protocol } from '../protocol';\nexport const main = viz + protocol;\n",
      'kernels/runtime/runner/cli.ts':
        "import { pool } from '../../idc/commands';\nimport { protocol } from '../protocol';\nexport const cli = pool + protocol;\n",
      'extension/controller.ts':
        "import { protocol } from '../kernels/runtime/protocol';\nimport { mime } from '../kernels/outputs/mime';\nexport const c = protocol + mime;\n",
    });
    assert.deepEqual(violations, [], text);
  });

  const wrongWays: Array<{ what: string; rule: string; from: string; to: string; files: Record<string, string> }> = [
    {
      what: 'a renderer importing the library',
      rule: 'renderers-only-outputs',
      from: 'renderers/progress/render.ts',
      to: 'kernels/idc/data/index.ts',
      files: {
        'renderers/progress/render.ts': "import { open } from '../../kernels/idc/data/index';\nexport const r = open;\n",
        'kernels/idc/data/index.ts': 'export const open = 1;\n',
      },
    },
    {
      what: 'a renderer importing the cell context (kernel-side, Node only)',
      rule: 'renderers-only-outputs',
      from: 'renderers/progress/render.ts',
      to: 'kernels/outputs/cellContext.ts',
      files: {
        'renderers/progress/render.ts': "import { currentCell } from '../../kernels/outputs/cellContext';\nexport const r = currentCell;\n",
        'kernels/outputs/cellContext.ts': 'export const currentCell = 1;\n',
      },
    },
    {
      what: 'a renderer importing a Node built-in',
      rule: 'renderers-no-node',
      from: 'renderers/progress/render.ts',
      to: 'fs',
      files: { 'renderers/progress/render.ts': "import fs from 'node:fs';\nexport const r = fs;\n" },
    },
    {
      what: 'data importing interop',
      rule: 'idc-data',
      from: 'kernels/idc/data/images/imageBytes.ts',
      to: 'kernels/idc/interop/parquet.ts',
      files: {
        'kernels/idc/data/images/imageBytes.ts': "import { read } from '../../interop/parquet';\nexport const b = read;\n",
        'kernels/idc/interop/parquet.ts': 'export const read = 1;\n',
      },
    },
    {
      what: 'model importing interop',
      rule: 'idc-model',
      from: 'kernels/idc/model/baseFiles.ts',
      to: 'kernels/idc/interop/peftAdapter.ts',
      files: {
        'kernels/idc/model/baseFiles.ts': "import { peft } from '../interop/peftAdapter';\nexport const b = peft;\n",
        'kernels/idc/interop/peftAdapter.ts': 'export const peft = 1;\n',
      },
    },
    {
      what: 'a type-only import from train into model',
      rule: 'idc-model',
      from: 'kernels/idc/model/lora.ts',
      to: 'kernels/idc/train/jobs.ts',
      files: {
        'kernels/idc/model/lora.ts': "import type { Job } from '../train/jobs';\nexport type L = Job;\n",
        'kernels/idc/train/jobs.ts': 'export interface Job { name: string }\n',
      },
    },
    {
      what: 'runs importing viz (viz sits above runs)',
      rule: 'idc-runs',
      from: 'kernels/idc/runs/pool.ts',
      to: 'kernels/idc/viz/attentionJob.ts',
      files: {
        'kernels/idc/runs/pool.ts': "import { job } from '../viz/attentionJob';\nexport const p = job;\n",
        'kernels/idc/viz/attentionJob.ts': 'export const job = 1;\n',
      },
    },
    {
      what: 'a library folder importing the library index',
      rule: 'idc-entry-points',
      from: 'kernels/idc/metrics/score.ts',
      to: 'kernels/idc/index.ts',
      files: { 'kernels/idc/metrics/score.ts': "import { v } from '../index';\nexport const s = v;\n", 'kernels/idc/index.ts': 'export const v = 1;\n' },
    },
    {
      what: 'a folder of kernels/idc not in the DAG',
      rule: 'idc-known-folder',
      from: 'kernels/idc/extras/thing.ts',
      to: 'kernels/idc/model/lora.ts',
      files: {
        'kernels/idc/extras/thing.ts': "import { lora } from '../model/lora';\nexport const t = lora;\n",
        'kernels/idc/model/lora.ts': 'export const lora = 1;\n',
      },
    },
    {
      what: 'the library importing the runtime',
      rule: 'idc-not-upward',
      from: 'kernels/idc/display/progress.ts',
      to: 'kernels/runtime/kernel/displayApi.ts',
      files: {
        'kernels/idc/display/progress.ts': "import { d } from '../../runtime/kernel/displayApi';\nexport const p = d;\n",
        'kernels/runtime/kernel/displayApi.ts': 'export const d = 1;\n',
      },
    },
    {
      what: 'the extension importing the library',
      rule: 'extension-host-side',
      from: 'extension/controller.ts',
      to: 'kernels/idc/display/progress.ts',
      files: {
        'extension/controller.ts': "import { p } from '../kernels/idc/display/progress';\nexport const c = p;\n",
        'kernels/idc/display/progress.ts': 'export const p = 1;\n',
      },
    },
    {
      what: 'the runtime host side importing the library',
      rule: 'host-side-down',
      from: 'kernels/runtime/protocol.ts',
      to: 'kernels/idc/display/progress.ts',
      files: {
        'kernels/runtime/protocol.ts': "import { p } from '../idc/display/progress';\nexport const x = p;\n",
        'kernels/idc/display/progress.ts': 'export const p = 1;\n',
      },
    },
    {
      what: 'the kernel process reaching past the library index',
      rule: 'kernel-through-index',
      from: 'kernels/runtime/kernel/main.ts',
      to: 'kernels/idc/data/open.ts',
      files: {
        'kernels/runtime/kernel/main.ts': "import { open } from '../../idc/data/open';\nexport const m = open;\n",
        'kernels/idc/data/open.ts': 'export const open = 1;\n',
      },
    },
    {
      what: 'the CLI reaching past the library commands',
      rule: 'runner-through-commands',
      from: 'kernels/runtime/runner/cli.ts',
      to: 'kernels/idc/metrics/cli.ts',
      files: {
        'kernels/runtime/runner/cli.ts': "import { m } from '../../idc/metrics/cli';\nexport const c = m;\n",
        'kernels/idc/metrics/cli.ts': 'export const m = 1;\n',
      },
    },
    {
      what: 'the output contracts importing the library',
      rule: 'outputs-bottom',
      from: 'kernels/outputs/contracts.ts',
      to: 'kernels/idc/display/mime.ts',
      files: {
        'kernels/outputs/contracts.ts': "import { m } from '../idc/display/mime';\nexport const c = m;\n",
        'kernels/idc/display/mime.ts': 'export const m = 1;\n',
      },
    },
    {
      what: 'the platform importing the output contracts',
      rule: 'platform-bottom',
      from: 'kernels/platform/jsonFile.ts',
      to: 'kernels/outputs/mime.ts',
      files: {
        'kernels/platform/jsonFile.ts': "import { m } from '../outputs/mime';\nexport const j = m;\n",
        'kernels/outputs/mime.ts': 'export const m = 1;\n',
      },
    },
  ];
  for (const w of wrongWays) {
    it(`fails ${w.what}, naming both files`, async () => {
      const { violations, text } = await probe(w.files);
      assert.deepEqual(violations, [{ rule: w.rule, from: w.from, to: w.to }], text);
    });
  }

  it('fails a cycle between two modules of one folder, naming both', async () => {
    const { violations, text } = await probe({
      'kernels/idc/model/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
      'kernels/idc/model/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    });
    assert.deepEqual(violations, [{ rule: 'no-cycle', from: 'kernels/idc/model/a.ts', to: 'kernels/idc/model/b.ts' }], text);
    assert.match(text, /kernels\/idc\/model\/b[.]ts →\s+kernels\/idc\/model\/a[.]ts/);
  });
});
