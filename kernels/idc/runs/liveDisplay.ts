/**
 * What a running ablation shows in its cell: the training loss of every LoRA run, updated in
 * place at most twice a second (and at once when a run changes state), and the category chart
 * of the runs scored so far, filling in as runs finish, locally or on Slurm.
 */
import { currentCell, type DisplayHandle } from '../../outputs/cellContext';
import type { TrainingPayload } from '../../outputs/contracts';
import { categoryChartBundle } from '../display/categoryChart';
import { trainingBundle } from '../display/training';
import { scoresChart } from './ablationResult';
import type { LoraJob, RunRecord, WorkerMessage, ZeroShotJob, ZeroShotRecord } from './jobs';
import type { RunMetrics } from './scoring';

type Finished = ReadonlyMap<string, RunRecord | ZeroShotRecord>;

export class LiveAblation {
  private readonly curves: TrainingPayload;
  private readonly curvesHandle: DisplayHandle | undefined;
  private scoresHandle: DisplayHandle | undefined;
  private lastShown = 0;

  /** Shows the curves (finished runs' losses read back from their records) and the scores so far. */
  constructor(
    private readonly loraJobs: readonly LoraJob[],
    private readonly zeroShot: ZeroShotJob,
    done: Finished,
  ) {
    this.curves = {
      v: 1,
      title: 'LoRA ablation: training loss',
      runs: loraJobs.map((j) => ({
        name: j.name,
        loss: [...((done.get(j.name) as RunRecord | undefined)?.losses ?? [])],
        validation: [],
        state: done.has(j.name) ? 'done' : 'waiting',
      })),
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
      run.loss.push(m.loss);
    } else if (m.type === 'epoch') run.validation.push({ epoch: m.epoch, loss: m.validationLoss });
    else run.state = m.type === 'done' ? 'done' : 'failed';
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
