/**
 * A real one-node Slurm cluster for the tests (../shared/spec/slurm.md): munge, slurmctld and
 * slurmd started with a configuration in a folder of its own (`SLURM_CONF`), stopped by their
 * pid files afterwards. The Debian packages are installed by `npm test` (scripts/systemPackages.mjs).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Cluster {
  dir: string;
  /** The environment Slurm commands need (SLURM_CONF). */
  env: NodeJS.ProcessEnv;
  stop(): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function config(dir: string): string {
  return [
    'ClusterName=idc-test',
    'SlurmctldHost=localhost(127.0.0.1)',
    'AuthType=auth/munge',
    'ProctrackType=proctrack/linuxproc',
    'TaskPlugin=task/none',
    'AccountingStorageType=accounting_storage/none',
    'JobAcctGatherType=jobacct_gather/none',
    'JobCompType=jobcomp/none',
    'MailProg=/bin/true',
    'SelectType=select/cons_tres',
    'SelectTypeParameters=CR_CPU',
    'ReturnToService=2',
    'MinJobAge=300',
    'SchedulerParameters=sched_interval=1,batch_sched_delay=0,sched_min_interval=0',
    'SlurmdParameters=config_overrides',
    'SlurmUser=root',
    'SlurmdUser=root',
    `StateSaveLocation=${dir}/state`,
    `SlurmdSpoolDir=${dir}/spool`,
    `SlurmctldPidFile=${dir}/slurmctld.pid`,
    `SlurmdPidFile=${dir}/slurmd.pid`,
    `SlurmctldLogFile=${dir}/slurmctld.log`,
    `SlurmdLogFile=${dir}/slurmd.log`,
    'NodeName=localnode NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=2 State=UNKNOWN',
    'PartitionName=debug Nodes=localnode Default=YES MaxTime=INFINITE State=UP',
    '',
  ].join('\n');
}

function pidOf(file: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL after 10 s: the daemons must be gone (and their ports free) before the next start. */
function stopDaemons(dir: string, munge: boolean): void {
  const files = [path.join(dir, 'slurmd.pid'), path.join(dir, 'slurmctld.pid'), ...(munge ? ['/run/munge/munged.pid'] : [])];
  const pids = files.map(pidOf).filter((p): p is number => p !== undefined && alive(p));
  for (const pid of pids) process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < deadline) spawnSync('sleep', ['0.1']);
  for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
}

/** Starts the cluster and waits until its node is idle. */
export async function startCluster(): Promise<Cluster> {
  for (const tool of ['slurmctld', 'slurmd', 'munged', 'sbatch']) {
    if (spawnSync('which', [tool]).status !== 0)
      throw new Error(`${tool} is not installed: \`npm test\` installs slurmctld, slurmd, slurm-client and munge with apt (scripts/systemPackages.mjs)`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idc-slurm-'));
  for (const sub of ['state', 'spool']) fs.mkdirSync(path.join(dir, sub));
  const conf = path.join(dir, 'slurm.conf');
  fs.writeFileSync(conf, config(dir));
  const env = { ...process.env, SLURM_CONF: conf };
  execFileSync('install', ['-d', '-o', 'munge', '-g', 'munge', '/run/munge']);
  // munged authenticates the daemons; started here when it is not running, and then stopped with the cluster
  const startedMunge = spawnSync('pgrep', ['-x', 'munged']).status !== 0;
  if (startedMunge) {
    execFileSync('runuser', ['-u', 'munge', '--', '/usr/sbin/munged']);
    // munged forks before it opens its socket: the daemons must not start before it is there
    const ready = Date.now() + 10_000;
    while (!fs.existsSync('/run/munge/munge.socket.2')) {
      if (Date.now() > ready) throw new Error('munged started but /run/munge/munge.socket.2 never appeared');
      await sleep(50);
    }
  }
  const stop = () => stopDaemons(dir, startedMunge);
  try {
    execFileSync('slurmctld', ['-f', conf], { env, stdio: 'pipe' });
    execFileSync('slurmd', ['-f', conf, '-N', 'localnode'], { env, stdio: 'pipe' });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const state = spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' }).stdout.trim();
      if (state === 'idle') break;
      if (Date.now() > deadline) throw new Error(`the test cluster's node did not become idle (sinfo: ${JSON.stringify(state)}); logs in ${dir}`);
      await sleep(200);
    }
  } catch (error) {
    stop();
    throw error;
  }
  return {
    dir,
    env,
    stop() {
      stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
