/**
 * What `idc-lab run` writes to the terminal while a notebook runs, besides the cells' own
 * stdout and stderr: the progress of every bar (terminalLines.ts) and, when a cell ends, the
 * text/plain of each display it left (tables, summaries), printed once in its final state
 * rather than at every in-place update.
 *
 * Three modes, chosen by the caller (cli.ts): `tty` keeps one live line per running bar at the
 * bottom of the terminal, redrawn in place, with the cells' output scrolling above it; `lines`
 * (a log, CI) prints a bar's line at most every few seconds; `quiet` prints the streams only,
 * as the runner did before rich outputs had a terminal form. Time comes from an injected
 * clock and the caller drives `tick()` from its timer, so tests run the same code on fake time.
 */
import type { MimeBundle } from '../../outputs/mime';
import { type Bar, barText, type Clock, finalText, isBarOutput, lineDue, liveFrame, nextBar, type Printed, readBars } from './terminalLines';

export type TerminalMode = 'tty' | 'lines' | 'quiet';

/** Where the text goes: the cells' stdout (and the final text of displays), and the runner's stderr (its lines and the bars). */
export interface TerminalStreams {
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface TerminalOptions {
  mode: TerminalMode;
  clock: Clock;
  /** The terminal's width in columns now (it may be resized); tty mode cuts live lines to it. */
  columns?: () => number;
  /** Milliseconds between two lines of one bar in lines mode (default 5000). */
  lineEveryMs?: number;
}

/** The prefix of the runner's own lines (cli.ts), which a bar's lines in a log and its last line share. */
const RUNNER_PREFIX = '[idc-lab]';

const ERASE_BELOW = '\x1b[J';
const up = (lines: number) => `\x1b[${lines}A`;

export class TerminalOutput {
  private cell = '';
  /** Live bars, in the order they appeared. */
  private bars: Bar[] = [];
  /** Bars that ended, so that a repeated final reading prints nothing more. */
  private readonly ended = new Set<string>();
  /** What a log last printed of each running bar (lines mode). */
  private readonly printed = new Map<string, Printed>();
  /** This cell's displays in their latest state, in the order they appeared. */
  private readonly displays = new Map<string, MimeBundle>();
  private readonly results: MimeBundle[] = [];
  /** The live lines now on screen (tty). */
  private drawn: string[] = [];
  /** Whether the terminal's cursor is at the start of a line (tty: the live lines must start there). */
  private atLineStart = true;
  /** Text after a stream's last newline, held while live lines are on screen (tty), which would otherwise be drawn over it. */
  private readonly held: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
  private readonly lineEveryMs: number;

  constructor(
    private readonly streams: TerminalStreams,
    private readonly options: TerminalOptions,
  ) {
    this.lineEveryMs = options.lineEveryMs ?? 5000;
  }

  /** A line of the runner's own ("[idc-lab] cell 2 ok in 0.31 s"). */
  log(line: string): void {
    this.write('stderr', `${line}\n`);
  }

  cellStarted(label: string): void {
    this.cell = label;
  }

  stream(name: 'stdout' | 'stderr', text: string): void {
    const all = this.held[name] + text;
    this.held[name] = '';
    if (this.options.mode !== 'tty' || !this.live()) {
      this.write(name, all);
      return;
    }
    const cut = all.lastIndexOf('\n') + 1;
    this.held[name] = all.slice(cut);
    this.write(name, all.slice(0, cut));
  }

  /** A display output or its in-place update (by display id). */
  display(displayId: string, bundle: MimeBundle): void {
    if (this.options.mode === 'quiet') return;
    this.displays.set(displayId, bundle);
    const now = this.options.clock.now();
    for (const reading of readBars(bundle)) {
      const key = `${displayId}/${reading.part}`;
      if (this.ended.has(key) && reading.state !== 'running') continue;
      this.ended.delete(key);
      const at = this.bars.findIndex((b) => b.key === key);
      const bar = nextBar(this.bars[at], key, this.cell, reading, now);
      if (!bar) continue;
      if (at >= 0) this.bars[at] = bar;
      else this.bars.push(bar);
      if (bar.reading.state !== 'running') this.end(bar, now);
    }
  }

  /** The value of the cell's last expression. */
  result(bundle: MimeBundle): void {
    if (this.options.mode !== 'quiet') this.results.push(bundle);
  }

  /**
   * The cell ended: bars it left running end as they stand, and its displays and result print
   * their final text, in the order they appeared.
   */
  cellFinished(): void {
    const now = this.options.clock.now();
    for (const bar of [...this.bars]) this.end(bar, now);
    this.release();
    for (const bundle of [...[...this.displays.values()].filter((b) => !isBarOutput(b)), ...this.results]) {
      const text = finalText(bundle);
      this.write('stdout', text.endsWith('\n') ? text : `${text}\n`);
    }
    this.displays.clear();
    this.results.length = 0;
    this.printed.clear();
    this.ended.clear();
  }

  /** The caller's timer: redraws the live lines (tty) or prints the lines that are due (lines). */
  tick(): void {
    const now = this.options.clock.now();
    if (this.options.mode === 'tty') {
      const frame = liveFrame(this.bars, now, this.columns());
      if (frame.join('\n') !== this.drawn.join('\n')) this.redraw(frame);
    } else if (this.options.mode === 'lines') {
      for (const bar of this.bars) {
        if (!lineDue(bar, this.printed.get(bar.key), now, this.lineEveryMs)) continue;
        this.printed.set(bar.key, { at: now, done: bar.reading.done });
        this.write('stderr', `${RUNNER_PREFIX} ${barText(bar, now)}\n`);
      }
    }
  }

  /** Takes the live lines off the screen for good (before the runner's last words). */
  close(): void {
    if (this.options.mode === 'tty') this.redraw([]);
  }

  /** A bar's last line, printed once and kept (in tty mode above the live lines). */
  private end(bar: Bar, now: number): void {
    this.bars = this.bars.filter((b) => b.key !== bar.key);
    this.ended.add(bar.key);
    this.printed.delete(bar.key);
    this.write('stderr', `${RUNNER_PREFIX} ${barText(bar, now)}\n`);
  }

  private columns(): number {
    return this.options.columns?.() ?? 80;
  }

  private live(): boolean {
    return this.bars.some((b) => b.reading.state === 'running');
  }

  /** Writes text; in tty mode the live lines go out of its way and come back under it. */
  private write(name: 'stdout' | 'stderr', text: string): void {
    if (text.length === 0) return;
    if (this.options.mode !== 'tty') {
      this.streams[name](text);
      return;
    }
    const erase = this.erase();
    if (erase) this.streams.stderr(erase);
    this.streams[name](text);
    this.atLineStart = text.endsWith('\n');
    const draw = this.draw(liveFrame(this.bars, this.options.clock.now(), this.columns()));
    if (draw) this.streams.stderr(draw);
  }

  private redraw(frame: string[]): void {
    // one write, so the terminal never shows the lines half gone
    const codes = this.erase() + this.draw(frame);
    if (codes) this.streams.stderr(codes);
    // no live lines left: the text held from under them can go out now
    if (frame.length === 0) this.release();
  }

  /** Writes the text held back while live lines were on screen. */
  private release(): void {
    for (const name of ['stdout', 'stderr'] as const) {
      const rest = this.held[name];
      this.held[name] = '';
      this.write(name, rest);
    }
  }

  /** What takes the live lines off the screen (the cursor sits at the start of the line under them). */
  private erase(): string {
    const lines = this.drawn.length;
    this.drawn = [];
    return lines > 0 ? `${up(lines)}${ERASE_BELOW}` : '';
  }

  /** What puts `frame` on the screen as the live lines. */
  private draw(frame: string[]): string {
    if (frame.length === 0) return '';
    // live lines start on a line of their own, also after output that ended mid-line
    const text = `${this.atLineStart ? '' : '\n'}${frame.map((line) => `${line}\n`).join('')}`;
    this.atLineStart = true;
    this.drawn = frame;
    return text;
  }
}
