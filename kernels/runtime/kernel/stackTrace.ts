/**
 * Maps errors thrown by cell code back to the cell: positions through each cell's source
 * map, file names replaced by the cell's label, and the kernel's own frames below the
 * outermost cell frame removed.
 */
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { CellError } from '../protocol';

interface CellFile {
  label: string;
  map: TraceMap;
}

// "    at name (file:line:col)" or "    at file:line:col"
const FRAME = /^(\s*at (?:.*? \()?)(.*?):(\d+):(\d+)(\)?)$/;

export class CellSourceMaps {
  private readonly files = new Map<string, CellFile>();

  register(fileName: string, sourceMap: string, label: string): void {
    this.files.set(fileName, { label, map: new TraceMap(sourceMap) });
  }

  /** Maps one position of a compiled cell to its source (1-based line and column). */
  original(fileName: string, line: number, column: number): { label: string; line: number; column: number } | undefined {
    const file = this.files.get(fileName);
    if (!file) return undefined;
    const pos = originalPositionFor(file.map, { line, column: Math.max(0, column - 1) });
    if (pos.line === null || pos.column === null) return undefined;
    return { label: file.label, line: pos.line, column: pos.column + 1 };
  }

  /** A thrown value as the protocol's CellError; `currentFile` is the failing cell's file. */
  toCellError(thrown: unknown, currentFile: string): CellError {
    if (!(thrown instanceof Error)) {
      return { name: 'Error', message: `Uncaught ${describeThrown(thrown)}`, stack: [] };
    }
    const lines = (thrown.stack ?? '').split('\n');
    const frames = lines.filter((l) => FRAME.test(l));
    let lastCellFrame = -1;
    const mapped = frames.map((frame, i) => {
      const m = FRAME.exec(frame);
      if (!m) return { text: frame.trim(), file: '' };
      const [, prefix = '', file = '', line = '0', col = '0', close = ''] = m;
      const orig = this.original(file, Number(line), Number(col));
      if (!orig) return { text: frame.trim(), file };
      lastCellFrame = i;
      return { text: `${prefix.trimStart()}${orig.label}:${orig.line}:${orig.column}${close}`, file, orig };
    });
    const kept = lastCellFrame >= 0 ? mapped.slice(0, lastCellFrame + 1) : mapped.filter((f) => !f.text.includes('node:internal'));
    const here = mapped.find((f) => f.file === currentFile && 'orig' in f);
    const error: CellError = {
      name: thrown.name || 'Error',
      message: thrown.message,
      stack: kept.map((f) => f.text.replace(/\(anonymous function\)|<anonymous>/g, '<cell>')),
    };
    if (here && 'orig' in here && here.orig) {
      error.line = here.orig.line;
      error.column = here.orig.column;
    }
    return error;
  }
}

function describeThrown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
