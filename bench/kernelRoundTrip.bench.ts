/**
 * Kernel round trip: the time from submitting a trivial cell to receiving its output, after
 * warm-up, on a real kernel process. Prints figures; never fails on time.
 *   npm run bench
 */
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { KernelProcess } from '../kernels/runtime/host/kernelProcess';

const WARMUP = 30;
const RUNS = 300;
const TARGET_MS = 20;

function stats(samples: number[]): { median: number; p90: number; mean: number; min: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
  return { median: at(0.5), p90: at(0.9), mean: s.reduce((a, b) => a + b, 0) / s.length, min: s[0] as number };
}

async function measure(kernel: KernelProcess, code: string, until: 'output' | 'done'): Promise<number> {
  const start = performance.now();
  let firstOutput = 0;
  await kernel.execute(code, 'cell 1', {
    onStream: () => (firstOutput ||= performance.now()),
  });
  const end = until === 'output' && firstOutput ? firstOutput : performance.now();
  return end - start;
}

async function main(): Promise<void> {
  const started = performance.now();
  const kernel = await KernelProcess.start({ cwd: os.tmpdir(), kernelPath: path.resolve(__dirname, '../dist/kernel.js') });
  const startup = performance.now() - started;
  const cases: Array<[string, string, 'output' | 'done']> = [
    ['result of `1 + 1` (submit -> done with result)', '1 + 1', 'done'],
    ['console.log (submit -> first output received)', 'console.log("x")', 'output'],
    ['cell with a declaration and a loop', 'let s = 0;\nfor (let i = 0; i < 1000; i++) s += i;\ns', 'done'],
  ];
  console.log(`IDC Lab kernel round trip (Node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? 'cpu'})`);
  console.log(`kernel start to ready: ${startup.toFixed(0)} ms`);
  for (const [label, code, until] of cases) {
    for (let i = 0; i < WARMUP; i++) await measure(kernel, code, until);
    const samples: number[] = [];
    for (let i = 0; i < RUNS; i++) samples.push(await measure(kernel, code, until));
    const s = stats(samples);
    console.log(
      `${label}: median ${s.median.toFixed(2)} ms, p90 ${s.p90.toFixed(2)} ms, mean ${s.mean.toFixed(2)} ms, min ${s.min.toFixed(2)} ms ` +
        `over ${RUNS} runs; median/target(${TARGET_MS} ms) = ${(s.median / TARGET_MS).toFixed(3)}`,
    );
  }
  await kernel.shutdown();
}

void main();
