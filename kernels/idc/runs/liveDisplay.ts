/**
 * What a running ablation shows in its cell: the training loss of every LoRA run, updated in
 * place at most twice a second (and at once when a run changes state), and the category chart
 * of the runs scored so far, filling in as runs finish, locally or on Slurm.
 *
 * A curve is indexed by step (loss[k] is step k + 1's), as the final `result.curves()` is: a run
 * resumed from its checkpoint starts from the checkpoint's loss log, so its new steps land at
 * their real step numbers and the curve being watched is the one the run ends with.
 */
import { currentCell, type DisplayHandle } from '../../outputs/cellContext';
import type { TrainingPayload } from '../../outputs/contracts';
import { categoryChartBundle } from '../display/categoryChart';
import { trainingBundle } from '../display/training';
import { readCheckpointLog, type CheckpointLog } from '../train/checkpoint';
import { scoresChart } from './ablationResult';
import type { LoraJob, RunRecord, TrainSettings, WorkerMessage, ZeroShotJob, ZeroShotRecord } from './jobs';
import { checkpointFolder } from './runFolders';
import type { RunMetrics } from './scoring';

type Finished = ReadonlyMap<string, RunRecord | ZeroShotRecord>;

/** The steps a run takes at most: its step budget, or every batch of every epoch (patience may stop it sooner). */
export function plannedSteps(train: TrainSettings, trainPairs: number): number {
  return Math.min(train.maxSteps ?? Number.POSITIVE_INFINITY, train.maxEpochs * Math.ceil(trainPairs / train.batchSize));
}

export class LiveAblation {
  private readonly curves: TrainingPayload;
  private readonly curvesHandle: DisplayHandle | undefined;
  private scoresHandle: DisplayHandle | undefined;
  private lastShown = 0;

  /**
   * Shows the curves and the scores so far: finished runs' losses read back from their records,
   * those of runs about to resume from their checkpoints' loss logs. `trainPairs` (the train
   * split's size) gives each run's planned steps.
   */
  static async open(loraJobs: readonly LoraJob[], zeroShot: ZeroShotJob, done: Finished, trainPairs: number): Promise<LiveAblation> {
    const logs = new Map<string, CheckpointLog>();
    for (const job of loraJobs) {
      if (done.has(job.name)) continue;
      // a checkpoint that cannot be read is the run's to report (it fails loading it), not the display's
      const log = await readCheckpointLog(checkpointFolder(job)).catch(() => undefined);
      if (log) logs.set(job.name, log);
    }
    return new LiveAblation(loraJobs, zeroShot, done, logs, trainPairs);
  }

  private constructor(
    private readonly loraJobs: readonly LoraJob[],
    private readonly zeroShot: ZeroShotJob,
    done: Finished,
    resumed: ReadonlyMap<string, CheckpointLog>,
    trainPairs: number,
  ) {
    this.curves = {
      v: 1,
      title: 'LoRA ablation: training loss',
      runs: loraJobs.map((j) => {
        const record = done.get(j.name) as RunRecord | undefined;
        const log = resumed.get(j.name);
        const planned = plannedSteps(j.train, trainPairs);
        return {
          name: j.name,
          loss: [...(record?.losses ?? log?.losses ?? [])],
          validation: [...(record?.validation ?? log?.validation ?? [])],
          state: record ? 'done' : 'waiting',
          ...(Number.isFinite(planned) ? { totalSteps: planned } : {}),
        };
      }),
      notes: [],
    };
    this.curvesHandle = currentCell()?.display(trainingBundle(this.curves));
    this.showScores(done);
  }

  /** A worker's message; `done` already holds the record when the message is a run's completion. */
  update(m: WorkerMessage, done: Finished): void {
    if (m.type === 'done' && 'metrics' in m.record) this.showScores(done);
    const run = this.curves.runs.find((r) => r.name === m.name);
    if (!run) return;
    if (m.type === 'progress') {
      run.state = 'running';
      // Step m.step goes at index m.step - 1; anything held from there on is not this run's past
      // (it went back to an older checkpoint than the log read when the display opened).
      if (m.step - 1 < run.loss.length) run.loss.length = Math.max(0, m.step - 1);
      run.loss.push(m.loss);
    } else if (m.type === 'epoch') run.validation.push({ epoch: m.epoch, loss: m.validationLoss });
    else if (m.type === 'done' && 'losses' in m.record) {
      // the record's log is the final curve's (rounded as saved): the last frame shows exactly it
      run.loss = [...m.record.losses];
      run.validation = [...m.record.validation];
      run.state = 'done';
    } else run.state = m.type === 'done' ? 'done' : 'failed';
    this.showCurves(m.type !== 'progress');
  }

  /** The executor stopped early: runs not finished are marked interrupted when the cell was. */
  stopped(interrupted: boolean): void {
    for (const r of this.curves.runs) if (r.state === 'running' || r.state === 'waiting') r.state = interrupted ? 'interrupted' : r.state;
    this.showCurves(true);
  }

  finished(): void {
    this.showCurves(true);
  }

  private showCurves(force: boolean): void {
    if (!this.curvesHandle || (!force && Date.now() - this.lastShown < 500)) return;
    this.lastShown = Date.now();
    this.curvesHandle.update(trainingBundle(this.curves));
  }

  private showScores(done: Finished): void {
    const finished = [this.zeroShot, ...this.loraJobs].flatMap((j) => {
      const r = done.get(j.name);
      return r ? [[j.name, r.metrics] as [string, RunMetrics]] : [];
    });
    if (finished.length === 0) return;
    const bundle = categoryChartBundle(scoresChart(finished, `${finished.length} of ${this.loraJobs.length + 1} runs scored so far`));
    if (this.scoresHandle) this.scoresHandle.update(bundle);
    else this.scoresHandle = currentCell()?.display(bundle);
  }
}
