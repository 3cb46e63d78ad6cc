/** The .idcnb format: byte-identical round trips, Jupyter compatibility, clear errors. */
import assert from 'node:assert/strict';
import {
  newNotebook,
  NotebookFormatError,
  parseNotebook,
  parseNotebookBytes,
  serializeNotebook,
  splitLines,
  cellTags,
  type CodeCell,
  type Notebook,
} from '../../../kernels/runtime/notebook/nbformat';
import { everyKindOfNotebook, PNG } from './fixtures';

function codeCell(nb: Notebook, index: number): CodeCell {
  const cell = nb.cells[index];
  assert.equal(cell?.cell_type, 'code');
  return cell as CodeCell;
}

/** What Python's json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) writes (checked with Python). */
const JUPYTER_LAYOUT = `{
 "cells": [
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "a1",
   "metadata": {},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "hi\\n"
     ]
    }
   ],
   "source": [
    "x\\n",
    "y"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {
   "display_name": "IDC Lab (TypeScript)",
   "language": "typescript",
   "name": "idc-lab"
  },
  "language_info": {
   "file_extension": ".ts",
   "mimetype": "text/typescript",
   "name": "typescript"
  },
  "order": {
   "10": 2,
   "2": 3,
   "b": 1,
   "é": 4
  }
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`;

describe('nbformat (.idcnb)', () => {
  it('round-trips a notebook with every kind of cell and output', () => {
    const nb = everyKindOfNotebook();
    const text = serializeNotebook(nb);
    assert.deepEqual(parseNotebook(text, 'x.idcnb'), nb);
  });

  it('writes a file it reads back byte for byte, with sorted keys and Jupyter layout', () => {
    const text = serializeNotebook(everyKindOfNotebook());
    assert.equal(serializeNotebook(parseNotebook(text, 'x.idcnb')), text);
    const raw = JSON.parse(text) as {
      cells: Array<{ source: string[]; outputs?: Array<{ data?: Record<string, unknown>; text?: string[] }> }>;
      nbformat: number;
    };
    assert.equal(raw.nbformat, 4);
    assert.deepEqual(Object.keys(JSON.parse(text) as object), ['cells', 'metadata', 'nbformat', 'nbformat_minor']);
    assert.deepEqual(raw.cells[3]?.source, ['console.log("a");\n', 'display(chart);\n', '42']);
    assert.deepEqual(raw.cells[3]?.outputs?.[0]?.text, ['line 1\n', 'line 2\n']);
    assert.equal(raw.cells[3]?.outputs?.[2]?.data?.['image/png'], Buffer.from(PNG).toString('base64'));
    assert.deepEqual(raw.cells[3]?.outputs?.[2]?.data?.['text/plain'], ['CIDEr by category\n', '(2 series)']);
    assert.deepEqual(raw.cells[3]?.outputs?.[3]?.data?.['application/json'], [1, 'two', null], 'JSON MIME data is JSON, not text');
    assert.equal(raw.cells[4]?.source.length, 0, 'an empty source is an empty list');
    assert.ok(text.startsWith('{\n "cells": [\n  {\n'), 'indent of one space');
    assert.ok(text.endsWith('}\n'));
    assert.ok(text.includes('🎉') && text.includes('не запускать'), 'non-ASCII is kept as is');
  });

  it('lays out JSON exactly as Jupyter (Python) does, integer-like keys included', () => {
    const nb = newNotebook();
    nb.metadata.order = { b: 1, '10': 2, '2': 3, é: 4 };
    nb.cells.push({
      cell_type: 'code',
      id: 'a1',
      source: 'x\ny',
      metadata: {},
      outputs: [{ output_type: 'stream', name: 'stdout', text: 'hi\n' }],
      execution_count: 1,
    });
    assert.equal(serializeNotebook(nb), JUPYTER_LAYOUT);
    assert.equal(serializeNotebook(parseNotebook(JUPYTER_LAYOUT, 'j.idcnb')), JUPYTER_LAYOUT);
  });

  it('names IDC Lab in the kernelspec and language_info of a new notebook', () => {
    const meta = JSON.parse(serializeNotebook(newNotebook())).metadata as Record<string, Record<string, string>>;
    assert.deepEqual(meta.kernelspec, { display_name: 'IDC Lab (TypeScript)', language: 'typescript', name: 'idc-lab' });
    assert.deepEqual(meta.language_info, { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' });
  });

  it('reads a Jupyter-written file: string sources, nbformat 4.4 without ids, wrapped base64, extra metadata', () => {
    const jupyter = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 4,
      metadata: { kernelspec: { name: 'other', display_name: 'Other', language: 'python' }, authors: [{ name: 'A. N. Other' }] },
      cells: [
        {
          cell_type: 'code',
          source: 'x = 1',
          metadata: { tags: ['parameters', 7], collapsed: true },
          outputs: [
            { output_type: 'display_data', data: { 'image/png': 'iVBORw0K\nGgo=\n', 'text/plain': 'an image' }, metadata: {} },
            { output_type: 'stream', name: 'stderr', text: 'warn' },
          ],
          execution_count: null,
        },
        { cell_type: 'markdown', id: 'keep-me', source: ['# A\n', 'b'], metadata: {} },
      ],
    });
    const nb = parseNotebook(jupyter, 'j.ipynb');
    const cell = codeCell(nb, 0);
    assert.equal(cell.source, 'x = 1');
    assert.match(cell.id, /^[0-9a-f]{8}$/, 'a missing id is generated');
    assert.equal(nb.cells[1]?.id, 'keep-me', 'an id read is kept');
    assert.equal(nb.cells[1]?.source, '# A\nb');
    assert.equal(nb.nbformat_minor, 5);
    assert.equal((nb.metadata.kernelspec as Record<string, string>).name, 'other', 'existing metadata is kept');
    assert.deepEqual(
      nb.metadata.language_info,
      { name: 'typescript', file_extension: '.ts', mimetype: 'text/typescript' },
      'missing language_info is filled in',
    );
    assert.deepEqual(nb.metadata.authors, [{ name: 'A. N. Other' }]);
    assert.deepEqual(cell.metadata, { tags: ['parameters', 7], collapsed: true });
    assert.deepEqual(cellTags(cell), ['parameters']);
    const out = cell.outputs[0];
    assert.deepEqual(out?.output_type === 'display_data' ? [...(out.data['image/png'] as Uint8Array)] : [], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.deepEqual(cell.outputs[1], { output_type: 'stream', name: 'stderr', text: 'warn' });
    // and writes it back as 4.5 with the generated id, which then stays
    const again = parseNotebook(serializeNotebook(nb), 'j.idcnb');
    assert.deepEqual(again, nb);
  });

  it('accepts a byte order mark, unpadded base64, and keeps a "__proto__" MIME key as data', () => {
    const text =
      '\uFEFF{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "id": "c", "source": "", "metadata": {}, "execution_count": 3, "outputs": [{"output_type": "execute_result", "execution_count": 3, "metadata": {}, "data": {"image/gif": "R0lGOA", "__proto__": "eA=="}}]}]}';
    const out = codeCell(parseNotebook(text, 'b.idcnb'), 0).outputs[0];
    assert.equal(out?.output_type, 'execute_result');
    const data = out?.output_type === 'execute_result' ? out.data : {};
    assert.deepEqual([...(data['image/gif'] as Uint8Array)], [...Buffer.from('GIF8')]);
    assert.equal(Object.getPrototypeOf(data), Object.prototype);
    assert.deepEqual(Object.keys(data), ['image/gif', '__proto__']);
  });

  it('opens an empty file as a new notebook (VS Code passes empty content for a new file)', () => {
    assert.deepEqual(parseNotebook('', 'new.idcnb'), newNotebook());
    assert.deepEqual(parseNotebook('  \n', 'new.idcnb'), newNotebook());
    assert.deepEqual(parseNotebookBytes(new Uint8Array(), 'new.idcnb'), newNotebook());
  });

  const cellsWith = (cell: object): string => JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [cell] });
  const outputOf = (output: object): string => cellsWith({ cell_type: 'code', source: '', metadata: {}, outputs: [output], execution_count: null });
  const corrupt: Array<[string, string, RegExp]> = [
    ['invalid JSON', '{"cells": [ }', /^broken\.idcnb is not a valid \.idcnb \(nbformat 4\) notebook: invalid JSON at line 1, column 13 \(value expected\)$/],
    ['invalid JSON on a later line', '{\n "cells": [],\n "nbformat": 4,,\n}', /invalid JSON at line 3, column 16 \(property name expected\)/],
    ['a truncated file', '{\n "cells": [\n', /invalid JSON at line 3, column 1 \(close bracket expected\)/],
    ['a JSON array', '[]', /broken\.idcnb .*: \(top level\): expected an object, found an array/],
    ['a JSON string', '"notebook"', /\(top level\): expected an object, found "notebook"/],
    ['nbformat 3', '{"nbformat": 3, "nbformat_minor": 0, "cells": []}', /: nbformat: expected nbformat 4, found 3$/],
    ['no nbformat', '{"cells": []}', /: nbformat: expected nbformat 4, found none$/],
    ['no nbformat_minor', '{"nbformat": 4, "cells": []}', /: nbformat_minor: expected a non-negative integer, found nothing \(the field is missing\)$/],
    ['metadata not an object', '{"nbformat": 4, "nbformat_minor": 5, "metadata": [], "cells": []}', /: metadata: expected an object, found an array$/],
    ['cells not a list', '{"nbformat": 4, "nbformat_minor": 5, "cells": {}}', /: cells: expected an array, found an object$/],
    ['no cells', '{"nbformat": 4, "nbformat_minor": 5}', /: cells: expected an array, found nothing \(the field is missing\)$/],
    ['a cell that is not an object', cellsWith([]).replace('[[]]', '[1]'), /: cells\[0\]: expected an object, found number 1$/],
    ['a bad cell type', cellsWith({ cell_type: 'python', source: '' }), /: cells\[0\]\.cell_type: expected "code", "markdown" or "raw", found "python"$/],
    ['a bad source', cellsWith({ cell_type: 'code', source: 5, outputs: [] }), /: cells\[0\]\.source: expected a string or a list of strings, found number 5$/],
    [
      'a source list with a number',
      cellsWith({ cell_type: 'markdown', source: ['a', 2] }),
      /: cells\[0\]\.source: expected a string or a list of strings, found an array$/,
    ],
    ['a bad cell id', cellsWith({ cell_type: 'raw', id: 12, source: '' }), /: cells\[0\]\.id: expected a string, found number 12$/],
    ['cell metadata not an object', cellsWith({ cell_type: 'raw', source: '', metadata: 'x' }), /: cells\[0\]\.metadata: expected an object, found "x"$/],
    ['outputs not a list', cellsWith({ cell_type: 'code', source: '', outputs: 'none' }), /: cells\[0\]\.outputs: expected an array, found "none"$/],
    [
      'a bad execution count',
      cellsWith({ cell_type: 'code', source: '', outputs: [], execution_count: 1.5 }),
      /: cells\[0\]\.execution_count: expected a non-negative integer or null, found number 1\.5$/,
    ],
    [
      'an unknown output type',
      outputOf({ output_type: 'picture' }),
      /: cells\[0\]\.outputs\[0\]\.output_type: expected "stream", "display_data", "execute_result" or "error", found "picture"$/,
    ],
    [
      'bad base64',
      outputOf({ output_type: 'display_data', metadata: {}, data: { 'image/png': 'not base64!' } }),
      /: cells\[0\]\.outputs\[0\]\.data\["image\/png"\]: expected base64 data/,
    ],
    [
      'data not an object',
      outputOf({ output_type: 'display_data', metadata: {}, data: 'text' }),
      /: cells\[0\]\.outputs\[0\]\.data: expected an object, found "text"$/,
    ],
    [
      'no data',
      outputOf({ output_type: 'execute_result', metadata: {}, execution_count: 1 }),
      /: cells\[0\]\.outputs\[0\]\.data: expected an object, found nothing \(the field is missing\)$/,
    ],
    [
      'text MIME data not text',
      outputOf({ output_type: 'display_data', metadata: {}, data: { 'text/html': { b: 1 } } }),
      /: cells\[0\]\.outputs\[0\]\.data\["text\/html"\]: expected a string or a list of strings, found an object$/,
    ],
    [
      'a bad stream name',
      outputOf({ output_type: 'stream', name: 'stdlog', text: '' }),
      /: cells\[0\]\.outputs\[0\]\.name: expected "stdout" or "stderr", found "stdlog"$/,
    ],
    [
      'a stream without text',
      outputOf({ output_type: 'stream', name: 'stdout' }),
      /: cells\[0\]\.outputs\[0\]\.text: expected a string or a list of strings, found nothing/,
    ],
    [
      'an error without ename',
      outputOf({ output_type: 'error', evalue: 'x', traceback: [] }),
      /: cells\[0\]\.outputs\[0\]\.ename: expected a string, found nothing/,
    ],
    [
      'a traceback of numbers',
      outputOf({ output_type: 'error', ename: 'E', evalue: 'x', traceback: ['ok', 3] }),
      /: cells\[0\]\.outputs\[0\]\.traceback\[1\]: expected a string, found number 3$/,
    ],
  ];
  for (const [what, text, message] of corrupt) {
    it(`refuses ${what} with an error naming the file and the field`, () => {
      assert.throws(
        () => parseNotebook(text, 'broken.idcnb'),
        (error: unknown) => {
          assert.ok(error instanceof NotebookFormatError, String(error));
          assert.match(error.message, message);
          assert.ok(error.message.startsWith('broken.idcnb is not a valid .idcnb (nbformat 4) notebook: '), error.message);
          assert.equal(error.file, 'broken.idcnb');
          return true;
        },
      );
    });
  }

  it('gives the field of an error as a property too', () => {
    assert.throws(
      () => parseNotebook(outputOf({ output_type: 'picture' }), 'f'),
      (e: NotebookFormatError) => e.field === 'cells[0].outputs[0].output_type',
    );
  });

  it('refuses bytes that are not UTF-8 instead of replacing them', () => {
    assert.throws(
      () => parseNotebookBytes(new Uint8Array([0x7b, 0xff, 0x7d]), 'bin.idcnb'),
      /^NotebookFormatError: bin\.idcnb is not a valid .*: expected UTF-8 text/,
    );
  });

  it('refuses to write what it could not read back, naming where it is', () => {
    const withData = (data: Record<string, unknown>): Notebook => {
      const nb = newNotebook();
      nb.cells.push({
        cell_type: 'code',
        id: 'c',
        source: '',
        metadata: {},
        outputs: [{ output_type: 'display_data', data: data as never, metadata: {} }],
        execution_count: null,
      });
      return nb;
    };
    assert.throws(
      () => serializeNotebook(withData({ 'image/png': 'iVBORw0KGgo=' })),
      /cells\[0\]\.outputs\[0\]\.data\["image\/png"\]: image\/png data must be bytes \(Uint8Array\), found "iVBORw0KGgo="/,
    );
    assert.throws(() => serializeNotebook(withData({ 'text/plain': 42 })), /data\["text\/plain"\]: text\/plain data must be a string, found number 42/);
    assert.throws(() => serializeNotebook(withData({ 'application/json': PNG })), /application\/json data must be a JSON value, found bytes/);
    const cyclic = newNotebook();
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    (cyclic.metadata as Record<string, unknown>).loop = loop;
    assert.throws(() => serializeNotebook(cyclic), /cannot write metadata\.loop\.self: it contains itself \(a cycle\)/);
    const fn = newNotebook();
    (fn.metadata as Record<string, unknown>).f = () => 1;
    assert.throws(() => serializeNotebook(fn), /cannot write metadata\.f: a function is not JSON/);
    const date = newNotebook();
    (date.metadata as Record<string, unknown>).when = new Date(0);
    assert.throws(() => serializeNotebook(date), /cannot write metadata\.when: a Date is not JSON/);
  });

  it('writes a value shared by two fields twice (it is not a cycle)', () => {
    const nb = newNotebook();
    const shared = { a: 1 };
    nb.metadata.x = shared;
    nb.metadata.y = [shared, shared];
    assert.deepEqual(parseNotebook(serializeNotebook(nb), 's').metadata.y, [{ a: 1 }, { a: 1 }]);
  });

  it('splits text into nbformat lines that join back to the text', () => {
    assert.deepEqual(splitLines('a\nb\n'), ['a\n', 'b\n']);
    assert.deepEqual(splitLines('a\nb'), ['a\n', 'b']);
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines('\n\n'), ['\n', '\n']);
    assert.deepEqual(splitLines('a\r\nb'), ['a\r\n', 'b']);
  });
});
