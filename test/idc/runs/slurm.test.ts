/**
 * The Slurm executor against a real one-node Slurm cluster (test/slurm/cluster.ts): a grid
 * through `sbatch --array` gives the local executor's run records, a failing task is reported
 * with its exit code and log tail, cancelling the cell cancels the array, and running the grid
 * again attaches to the array already submitted.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ablation } from '../../../kernels/idc/runs/ablation';
import { useBackend } from '../../../kernels/idc/backends/backend';
import { slurm } from '../../../kernels/idc/runs/slurm/slurmExecutor';
import { parseScontrol, taskIds } from '../../../kernels/idc/runs/slurm/slurmState';
import { jobScript, shellWord } from '../../../kernels/idc/runs/slurm/jobScript';
import type { LoraJob, RunRecord, WorkerMessage } from '../../../kernels/idc/runs/jobs';
import { saveTinyBlip2Base } from '../model/blip2/tinyBase';
import { tempFolder } from '../data/pngFixtures';
import { startCluster, type Cluster } from '../../slurm/cluster';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Slurm executor: parsing and the job script', () => {
  it('reads task states and exit codes from scontrol, pending ranges included', () => {
    const out = [
      'JobId=7 ArrayJobId=5 ArrayTaskId=1 ArrayTaskThrottle=0 JobName=idc-ablation JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=3:0',
      'JobId=6 ArrayJobId=5 ArrayTaskId=0 JobName=idc-ablation JobState=COMPLETED Reason=None ExitCode=0:0',
      'JobId=5 ArrayJobId=5 ArrayTaskId=2-3,5%2 JobName=idc-ablation JobState=PENDING Reason=Resources ExitCode=0:0',
      'JobId=8 ArrayJobId=5 ArrayTaskId=4 JobState=CANCELLED Reason=None ExitCode=0:15',
    ].join('\n');
    const tasks = parseScontrol(out);
    assert.deepEqual([...tasks.keys()].sort(), [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(tasks.get(1), { state: 'FAILED', raw: 'FAILED', exitCode: 3, signal: 0 });
    assert.deepEqual(tasks.get(4), { state: 'CANCELLED', raw: 'CANCELLED', exitCode: 0, signal: 15 });
    assert.equal(tasks.get(5)?.state, 'PENDING');
    assert.deepEqual(taskIds('0-2,7'), [0, 1, 2, 7]);
  });

  it('writes one array task per job, each running idc-lab train on its index, paths quoted', () => {
    const script = jobScript(
      { workdir: '/w', cpusPerTask: 2, partition: 'gpu', gpus: 1, time: '01:00:00', mem: '8G', account: 'lab', sbatchArgs: ['--qos=high'] },
      4,
      '/w/grid-0.json',
      '/w/logs',
      "/opt/it's/bin/idc-lab.js",
      '/usr/bin/node',
    );
    assert.deepEqual(
      script.split('\n').filter((l) => l.startsWith('#SBATCH')),
      [
        '#SBATCH --job-name=idc-ablation',
        '#SBATCH --array=0-3',
        '#SBATCH --output=/w/logs/%A_%a.log',
        '#SBATCH --cpus-per-task=2',
        '#SBATCH --partition=gpu',
        '#SBATCH --gpus=1',
        '#SBATCH --time=01:00:00',
        '#SBATCH --mem=8G',
        '#SBATCH --account=lab',
        '#SBATCH --qos=high',
      ],
    );
    assert.match(script, /exec '\/usr\/bin\/node' '\/opt\/it'\\''s\/bin\/idc-lab\.js' train --grid '\/w\/grid-0\.json' --index "\$SLURM_ARRAY_TASK_ID"/);
    assert.equal(shellWord("a'b"), `'a'\\''b'`);
    assert.throws(() => slurm({ workdir: '' }), /idc\.train\.slurm: workdir: expected a shared folder/);
    assert.throws(() => slurm({ workdir: '/w', cpusPerTask: 0 }), /cpusPerTask: expected a whole number >= 1, found 0/);
    assert.throws(() => slurm({ workdir: '/w', partition: 'a b' }), /partition: expected a word without spaces, found "a b"/);
  });
});

describe('Slurm executor on a real one-node cluster', function () {
  this.timeout(300_000);
  let cluster: Cluster;
  let dir: string;
  let savedConf: string | undefined;
  const data = { synthetic: { pairs: 48, size: 32, seed: 2 } };
  const grid = (out: string) => ({
    base: path.join(dir, 'base'),
    data,
    ranks: [1, 2],
    modules: [['llm']] as Array<Array<'llm'>>,
    maxSteps: 2,
    batchSize: 8,
    out,
  });

  before(async () => {
    dir = tempFolder('slurm');
    await useBackend('wasm');
    await saveTinyBlip2Base(path.join(dir, 'base'), data.synthetic);
    cluster = await startCluster();
    savedConf = process.env.SLURM_CONF;
    process.env.SLURM_CONF = cluster.env.SLURM_CONF;
  });
  after(() => {
    if (savedConf === undefined) delete process.env.SLURM_CONF;
    else process.env.SLURM_CONF = savedConf;
    cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    // the cluster is gone: no daemon left, no Slurm port listening
    assert.equal(spawnSync('pgrep', ['-x', 'slurmctld']).status, 1, 'slurmctld still runs');
    assert.equal(spawnSync('pgrep', ['-x', 'slurmd']).status, 1, 'slurmd still runs');
    assert.equal(spawnSync('pgrep', ['-x', 'munged']).status, 1, 'munged still runs');
    const listening = spawnSync('ss', ['-ltnH'], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(listening, /:681[78]\b/, 'a Slurm port still listens');
  });

  it("runs a grid as one job array whose run records equal the local executor's, apart from timings", async () => {
    const viaLocal = await ablation({ ...grid(path.join(dir, 'local')), workers: 2 });
    const workdir = path.join(dir, 'slurm-work');
    const viaSlurm = await ablation({ ...grid(path.join(dir, 'slurm')), executor: slurm({ workdir, pollSeconds: 0.3 }) });
    const strip = (r: RunRecord) => ({ ...r, train_seconds: 0 });
    assert.deepEqual(viaSlurm.runs.map(strip), viaLocal.runs.map(strip));
    assert.deepEqual(viaSlurm.zeroShot, viaLocal.zeroShot);
    const state = JSON.parse(fs.readFileSync(path.join(workdir, 'idc-slurm.json'), 'utf8'));
    assert.equal(state.submissions.length, 1, 'one sbatch for the whole grid');
    // the costliest runs first (ablation.longestFirst), the zero-shot baseline last
    assert.deepEqual(
      state.submissions[0].tasks.map((t: { name: string }) => t.name),
      ['r1 llm', 'r2 llm', 'zero-shot base'],
    );
    assert.match(
      fs.readFileSync(path.join(workdir, 'logs', `${state.submissions[0].jobId}_0.log`), 'utf8'),
      /^idc-progress \{"type":"progress","name":"r1 llm","step":1,/m,
    );
    assert.deepEqual(viaSlurm.config.executor, { kind: 'slurm', workdir, cpusPerTask: 1 });
  });

  it('reports a failing task with its exit code and the end of its log, and resubmits it alone when run again', async () => {
    const workdir = path.join(dir, 'failing-work');
    const broken: LoraJob = {
      kind: 'lora',
      name: 'broken',
      dir: path.join(dir, 'failing', 'broken'),
      base: path.join(dir, 'no-such-base'),
      data,
      rank: 1,
      modules: ['llm'],
      train: { seed: 1, learningRate: 1e-3, batchSize: 8, maxEpochs: 1, patience: 1, checkpointEvery: 10, maxSteps: 1 },
      backend: 'wasm',
    };
    const executor = slurm({ workdir, pollSeconds: 0.3 });
    const messages: WorkerMessage[] = [];
    await assert.rejects(
      executor.run([broken], new AbortController().signal, (m) => messages.push(m)),
      (e: Error) => {
        assert.match(
          e.message,
          /^1 Slurm task\(s\) failed; run the grid again to resubmit them alone:\nbroken: Slurm task \d+_0 FAILED with exit code 1 and no result; the end of .*\.log:\n/,
        );
        assert.match(e.message, /no-such-base/, 'the log tail says why');
        return true;
      },
    );
    assert.equal(messages.at(-1)?.type, 'failed');
    await assert.rejects(executor.run([broken], new AbortController().signal, () => undefined));
    const state = JSON.parse(fs.readFileSync(path.join(workdir, 'idc-slurm.json'), 'utf8'));
    assert.equal(state.submissions.length, 2, 'the failed task was submitted again, alone');
    assert.equal(state.submissions[1].tasks.length, 1);
  });

  it('cancels the array when the cell is interrupted, and attaches to an array already submitted instead of submitting again', async () => {
    const workdir = path.join(dir, 'long-work');
    const long: LoraJob = {
      kind: 'lora',
      name: 'long',
      dir: path.join(dir, 'long', 'run'),
      base: path.join(dir, 'base'),
      data,
      rank: 1,
      modules: ['llm'],
      train: { seed: 1, learningRate: 1e-3, batchSize: 8, maxEpochs: 100, patience: 100, checkpointEvery: 10, maxSteps: 100_000 },
      backend: 'wasm',
    };
    const first = new AbortController();
    const firstRun = slurm({ workdir, pollSeconds: 0.3 }).run([long], first.signal, () => undefined);
    firstRun.catch(() => undefined);
    const state = () => JSON.parse(fs.readFileSync(path.join(workdir, 'idc-slurm.json'), 'utf8')) as { submissions: Array<{ jobId: string }> };
    const running = async (jobId: string) => {
      for (let i = 0; i < 100; i++) {
        const out = spawnSync('squeue', ['-h', '-j', jobId, '-o', '%T'], { encoding: 'utf8' }).stdout.trim();
        if (out === 'RUNNING') return;
        await sleep(200);
      }
      throw new Error(`job ${jobId} never ran`);
    };
    for (let i = 0; i < 50 && !fs.existsSync(path.join(workdir, 'idc-slurm.json')); i++) await sleep(100);
    const jobId = state().submissions[0]?.jobId as string;
    await running(jobId);

    // a kernel restarted while the array runs: the same grid attaches to it (no second sbatch) and sees its progress
    const second = new AbortController();
    const progress: WorkerMessage[] = [];
    const secondRun = slurm({ workdir, pollSeconds: 0.3 }).run([long], second.signal, (m) => progress.push(m));
    secondRun.catch(() => undefined);
    for (let i = 0; i < 100 && !progress.some((m) => m.type === 'progress'); i++) await sleep(200);
    assert.ok(
      progress.some((m) => m.type === 'progress'),
      "the attached run reads the task's progress",
    );
    assert.equal(state().submissions.length, 1, 'attached, not submitted again');

    // interrupting the cell cancels the array
    second.abort();
    await assert.rejects(secondRun, /interrupted: the Slurm array was cancelled \(scancel\)/);
    for (let i = 0; i < 50; i++) {
      const out = spawnSync('squeue', ['-h', '-j', jobId, '-o', '%T'], { encoding: 'utf8' }).stdout.trim();
      if (out === '') break;
      await sleep(200);
    }
    assert.equal(spawnSync('squeue', ['-h', '-j', jobId, '-o', '%T'], { encoding: 'utf8' }).stdout.trim(), '', 'the array left the queue');
    assert.match(spawnSync('scontrol', ['show', 'job', '-o', jobId], { encoding: 'utf8' }).stdout, /JobState=CANCELLED/);
    first.abort();
    await assert.rejects(firstRun);
  });
});
