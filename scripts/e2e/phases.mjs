// Named phases with a time limit each, timed and reported: the failure message says which
// phase failed and why, and the summary prints how long each one took.

export class PhaseError extends Error {
  constructor(phase, cause) {
    super(`phase "${phase}" failed: ${cause?.message ?? String(cause)}`, { cause });
    this.phase = phase;
  }
}

export class Phases {
  /** @type {Array<{name: string, seconds: number, status: 'ok' | 'failed' | 'timed out', note?: string}>} */
  results = [];
  started = Date.now();

  /** Runs `fn` as phase `name`; throws PhaseError when it throws or runs past `timeoutMs`. */
  async run(name, fn, { timeoutMs = 5 * 60_000 } = {}) {
    const t0 = Date.now();
    console.log(`\n[e2e] ▶ ${name}`);
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`), { timedOut: true })), timeoutMs);
    });
    try {
      const value = await Promise.race([Promise.resolve().then(fn), timeout]);
      const seconds = (Date.now() - t0) / 1000;
      const note = typeof value?.note === 'string' ? value.note : undefined;
      this.results.push({ name, seconds, status: 'ok', ...(note ? { note } : {}) });
      console.log(`[e2e] ✔ ${name} (${seconds.toFixed(1)} s)${note ? `: ${note}` : ''}`);
      return value;
    } catch (error) {
      const seconds = (Date.now() - t0) / 1000;
      this.results.push({ name, seconds, status: error?.timedOut ? 'timed out' : 'failed' });
      console.error(`[e2e] ✘ ${name} (${seconds.toFixed(1)} s)`);
      throw new PhaseError(name, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Records a phase that ran outside run() (cleanup). */
  record(name, seconds, status, note) {
    this.results.push({ name, seconds, status, ...(note ? { note } : {}) });
  }

  summary() {
    const width = Math.max(...this.results.map((r) => r.name.length), 5);
    const lines = this.results.map((r) => `  ${r.name.padEnd(width)}  ${r.seconds.toFixed(1).padStart(6)} s  ${r.status}${r.note ? `  (${r.note})` : ''}`);
    lines.push(`  ${'total'.padEnd(width)}  ${((Date.now() - this.started) / 1000).toFixed(1).padStart(6)} s`);
    return lines.join('\n');
  }
}
