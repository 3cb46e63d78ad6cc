// The workspace code-server opens: the renderer fixture as it is in the repository (no
// outputs; the test runs it through the UI) and an executed copy made by the headless runner
// (`idc-lab run`), whose saved outputs the renderers must draw without running anything.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from './processes.mjs';

export const FIXTURE = path.join('test', 'e2e', 'fixtures', 'renderers.idcnb');

export const sha256 = (file) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** The demo's executed 02 notebook when `npm run demo` ran before (as in .ci/run); else 02 executed here in quick mode. */
export const DEMO_NOTEBOOK = path.join('out', 'demo', '02-lora-rank-ablation.idcnb');

async function ablationNotebook(repoRoot, folder, logFile) {
  const target = path.join(folder, '02-lora-rank-ablation.idcnb');
  const demo = path.join(repoRoot, DEMO_NOTEBOOK);
  if (fs.existsSync(demo)) {
    fs.copyFileSync(demo, target);
    return { file: target, source: `the demo's ${DEMO_NOTEBOOK}` };
  }
  // quick mode writes its runs under out/demo-quick of the repository, beside the demo's
  await runCommand(
    'idc-lab run 02 (quick)',
    process.execPath,
    [
      path.join(repoRoot, 'bin', 'idc-lab.js'),
      'run',
      path.join(repoRoot, 'notebooks', '02-lora-rank-ablation.idcnb'),
      '--out',
      target,
      '--param',
      'quick=true',
    ],
    { cwd: repoRoot, logFile, timeoutMs: 5 * 60_000 },
  );
  return { file: target, source: 'notebooks/02-lora-rank-ablation.idcnb run here with quick=true' };
}

export async function prepareWorkspace(repoRoot, runDir, { logFile }) {
  const folder = path.join(runDir, 'workspace');
  fs.mkdirSync(folder, { recursive: true });
  const fresh = path.join(folder, 'renderers.idcnb');
  const executed = path.join(folder, 'executed.idcnb');
  fs.copyFileSync(path.join(repoRoot, FIXTURE), fresh);
  await runCommand(
    'idc-lab run (headless runner)',
    process.execPath,
    [path.join(repoRoot, 'bin', 'idc-lab.js'), 'run', path.join(repoRoot, FIXTURE), '--out', executed, '--html', path.join(runDir, 'executed-report.html')],
    { cwd: repoRoot, logFile, timeoutMs: 3 * 60_000 },
  );
  const notebook = JSON.parse(fs.readFileSync(executed, 'utf8'));
  const codeCells = notebook.cells.filter((c) => c.cell_type === 'code');
  if (codeCells.some((c) => c.execution_count === null)) throw new Error(`the headless runner left cells unexecuted in ${executed}`);
  const ablation = await ablationNotebook(repoRoot, folder, logFile);
  const ablationNotebookJson = JSON.parse(fs.readFileSync(ablation.file, 'utf8'));
  return {
    folder,
    fresh,
    executed,
    executedHash: sha256(executed),
    executedNotebook: notebook,
    ablation: { ...ablation, hash: sha256(ablation.file), notebook: ablationNotebookJson },
  };
}
