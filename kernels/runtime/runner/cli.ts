/**
 * `idc-lab run <notebook> [--out executed.idcnb] [--html report.html] [--param name=value ...]
 *  [--timeout seconds] [--quiet] [--progress-every seconds]`: the headless runner. Cell output
 * goes to the terminal as it comes, the runner's lines and progress bars to stderr, and each
 * display's text when its cell ends (terminalOutput.ts); the exit code is 0 when every cell ran,
 * 1 when a cell failed (the message names the cell and line), 2 for bad usage or an unreadable
 * notebook.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KernelSession } from '../host/kernelSession';
import { parseNotebookBytes } from '../notebook/nbformat';
import { writeFileAtomic } from '../../platform/atomicWrite';
import { saveNotebook } from '../notebook/saveNotebook';
import { renderHtmlReport } from '../report/htmlReport';
import { loadReportRenderers } from '../report/rendererRegistry';
import { parseParamArgs } from './parameters';
import { CommandUsageError, COMMANDS_USAGE, LIBRARY_COMMANDS, libraryCommand } from '../../idc/commands';
import { runNotebook, type RunResult } from './runNotebook';
import { TerminalOutput, type TerminalMode } from './terminalOutput';

const USAGE = `usage: idc-lab run <notebook.idcnb> [--out executed.idcnb] [--html report.html]
                    [--param name=value ...] [--timeout seconds] [--quiet] [--progress-every seconds]

  Cells' stdout and stderr are echoed as they come. Progress bars (idc.progress, training runs)
  show on stderr: on a terminal as live lines (count, rate, ETA, the cell and run), elsewhere (a
  pipe, a CI log) as plain lines, at most one per bar every --progress-every seconds (default 5).
  When a cell ends, the text form of each display it left (tables, summaries) and of its result
  is printed once, on stdout.
  --quiet, -q           echo the cells' stdout and stderr only: no progress, no display text
  IDC_LAB_TTY=1 | 0     treat stderr as a terminal (live lines) or not (plain lines), whatever it is
${COMMANDS_USAGE}`;

class UsageError extends Error {}

function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (LIBRARY_COMMANDS.includes(command)) {
    try {
      return await libraryCommand(command, rest, { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
    } catch (error) {
      if (error instanceof CommandUsageError) throw new UsageError(error.message);
      throw error;
    }
  }
  if (command !== 'run') throw new UsageError(`unknown command "${command}"\n${USAGE}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      html: { type: 'string' },
      param: { type: 'string', multiple: true, short: 'p' },
      timeout: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      'progress-every': { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`expected one notebook path\n${USAGE}`);
  const notebookPath = path.resolve(positionals[0] as string);
  const timeoutSeconds = values.timeout !== undefined ? Number(values.timeout) : undefined;
  if (timeoutSeconds !== undefined && !(timeoutSeconds > 0)) throw new UsageError(`--timeout ${values.timeout}: expected a positive number of seconds`);
  const params = parseParamArgs(values.param ?? []);
  const everySeconds = values['progress-every'] !== undefined ? Number(values['progress-every']) : 5;
  if (!(everySeconds > 0)) throw new UsageError(`--progress-every ${values['progress-every']}: expected a positive number of seconds`);
  const mode = terminalMode(values.quiet === true, process.env.IDC_LAB_TTY, process.stderr.isTTY === true);

  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(notebookPath);
  } catch (error) {
    throw new UsageError(`cannot read ${notebookPath}: ${(error as Error).message}`);
  }
  const notebook = parseNotebookBytes(bytes, notebookPath);
  const renderers = values.html ? loadReportRenderers(packageRoot()) : undefined;

  const session = new KernelSession({ cwd: path.dirname(notebookPath), interruptTimeoutMs: 5000 });
  const terminal = new TerminalOutput(
    { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) },
    {
      mode,
      clock: { now: () => performance.now() },
      // a pseudo-terminal of no size (under `script`, in CI) says 0 columns: take COLUMNS, else 80
      columns: () => process.stderr.columns || Number(process.env.COLUMNS) || 80,
      lineEveryMs: everySeconds * 1000,
    },
  );
  const log = (line: string) => terminal.log(line);
  // live lines are redrawn a few times a second; a log is checked as often, printing only what is due
  const ticker = mode === 'quiet' ? undefined : setInterval(() => terminal.tick(), 200);
  let result: RunResult;
  try {
    result = await runNotebook(notebook, {
      session,
      params,
      ...(timeoutSeconds !== undefined ? { timeoutSeconds } : {}),
      events: {
        cellStarted: (label, index, count) => {
          terminal.cellStarted(label);
          log(`[idc-lab] ${label} (${index}/${count}) running`);
        },
        cellFinished: (label, status, seconds) => {
          terminal.cellFinished();
          log(`[idc-lab] ${label} ${status} in ${seconds.toFixed(2)} s`);
        },
        stream: (name, chunk) => terminal.stream(name, chunk),
        display: (displayId, bundle) => terminal.display(displayId, bundle),
        result: (bundle) => terminal.result(bundle),
        warning: (warning) => log(`[idc-lab] warning: ${warning}`),
      },
    });
  } finally {
    if (ticker) clearInterval(ticker);
    terminal.close();
    await session.dispose();
  }

  if (values.out) {
    const out = path.resolve(values.out);
    await saveNotebook(out, result.notebook);
    log(`[idc-lab] executed notebook written to ${out}`);
  }
  if (values.html) {
    const out = path.resolve(values.html);
    const html = renderHtmlReport(result.notebook, { title: path.basename(notebookPath), renderers });
    fs.mkdirSync(path.dirname(out), { recursive: true });
    await writeFileAtomic(out, html);
    log(`[idc-lab] HTML report written to ${out}`);
  }
  if (result.failure) {
    const f = result.failure;
    log(`[idc-lab] FAILED: ${f.message}`);
    if (f.error) for (const line of f.error.stack) log(`    ${line}`);
    return 1;
  }
  log(`[idc-lab] all cells ran in ${result.seconds.toFixed(2)} s`);
  return 0;
}

/**
 * Where progress goes: nowhere with --quiet; live lines when stderr is a terminal, plain lines
 * when it is not (a pipe, a CI log); IDC_LAB_TTY=1 or 0 says which whatever stderr is (tests,
 * terminals that do not say they are one).
 */
export function terminalMode(quiet: boolean, override: string | undefined, stderrIsTTY: boolean): TerminalMode {
  if (quiet) return 'quiet';
  if (override === undefined || override === '') return stderrIsTTY ? 'tty' : 'lines';
  if (override === '1') return 'tty';
  if (override === '0') return 'lines';
  throw new UsageError(`IDC_LAB_TTY=${override}: expected 1 (a terminal) or 0 (plain lines)`);
}

/** Entry of bin/idc-lab.js: runs main and sets the exit code. */
export function runCli(argv: string[] = process.argv.slice(2)): void {
  main(argv).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`idc-lab: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
