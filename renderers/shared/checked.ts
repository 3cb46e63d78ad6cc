/** A payload check's answer: the typed payload, or the problem in words naming the field. */
export type Checked<T> = { ok: true; payload: T } | { ok: false; problem: string };
