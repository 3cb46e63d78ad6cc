/**
 * Captures process.stdout / process.stderr writes (console.* writes through them) and hands
 * them to `route` with the stream's name. Text written outside any cell goes to the real
 * stream, which the host reads as the kernel's own log.
 */
type Route = (name: 'stdout' | 'stderr', text: string) => boolean;

export function captureStdio(route: Route): void {
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name];
    const original = stream.write.bind(stream);
    const write = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const cb = typeof encoding === 'function' ? encoding : callback;
      const text =
        typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
      if (!route(name, text)) return original(text, cb as (err?: Error | null) => void);
      if (typeof cb === 'function') process.nextTick(cb as () => void);
      return true;
    };
    stream.write = write as typeof stream.write;
  }
}
