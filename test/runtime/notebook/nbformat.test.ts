/** The .idcnb format: byte-identical round trips, Jupyter compatibility, clear errors. */
import assert from 'node:assert/strict';
import { newNotebook, NotebookFormatError, parseNotebook, serializeNotebook, splitLines } from '../../../kernels/runtime/notebook/nbformat';
import { everyKindOfNotebook, PNG } from './fixtures';

describe('nbformat (.idcnb)', () => {
  it('round-trips a notebook with every kind of cell and output', () => {
    const nb = everyKindOfNotebook();
    const text = serializeNotebook(nb);
    assert.deepEqual(parseNotebook(text, 'x.idcnb'), nb);
  });

  it('writes a file it reads back byte for byte, with sorted keys and Jupyter layout', () => {
    const text = serializeNotebook(everyKindOfNotebook());
    assert.equal(serializeNotebook(parseNotebook(text, 'x.idcnb')), text);
    const raw = JSON.parse(text) as { cells: Array<{ source: string[]; outputs?: Array<{ data?: Record<string, unknown> }> }>; nbformat: number };
    assert.equal(raw.nbformat, 4);
    assert.deepEqual(Object.keys(JSON.parse(text) as object), ['cells', 'metadata', 'nbformat', 'nbformat_minor']);
    assert.deepEqual(raw.cells[3]?.source, ['console.log("a");\n', 'display(chart);\n', '42']);
    assert.equal(raw.cells[3]?.outputs?.[2]?.data?.['image/png'], Buffer.from(PNG).toString('base64'));
    assert.ok(text.startsWith('{\n "cells": [\n  {\n'), 'indent of one space');
    assert.ok(text.endsWith('}\n'));
    assert.ok(text.includes('🎉'), 'non-ASCII is kept as is');
  });

  it('names IDC Lab in the kernelspec and language_info of a new notebook', () => {
    const meta = JSON.parse(serializeNotebook(newNotebook())).metadata as Record<string, Record<string, string>>;
    assert.deepEqual(meta['kernelspec'], { display_name: 'IDC Lab (TypeScript)', language: 'typescript', name: 'idc-lab' });
    assert.equal(meta['language_info']?.['name'], 'typescript');
  });

  it('reads a Jupyter-written file: string sources, nbformat 4.4 without ids, wrapped base64', () => {
    const jupyter = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 4,
      metadata: { kernelspec: { name: 'other', display_name: 'Other', language: 'python' } },
      cells: [
        { cell_type: 'code', source: 'x = 1', metadata: {}, outputs: [{ output_type: 'display_data', data: { 'image/png': 'iVBORw0K\nGgo=\n' }, metadata: {} }], execution_count: null },
      ],
    });
    const nb = parseNotebook(jupyter, 'j.ipynb');
    const cell = nb.cells[0];
    assert.equal(cell?.source, 'x = 1');
    assert.match(cell?.id ?? '', /^[0-9a-f]{8}$/);
    assert.equal(nb.nbformat_minor, 5);
    assert.deepEqual((nb.metadata['kernelspec'] as Record<string, string>)['name'], 'other', 'existing metadata is kept');
    const out = cell?.cell_type === 'code' ? cell.outputs[0] : undefined;
    assert.deepEqual(out?.output_type === 'display_data' ? [...(out.data['image/png'] as Uint8Array)] : [], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('opens an empty file as a new notebook (VS Code passes empty content for a new file)', () => {
    assert.deepEqual(parseNotebook('', 'new.idcnb'), newNotebook());
    assert.deepEqual(parseNotebook('  \n', 'new.idcnb'), newNotebook());
  });

  const corrupt: Array<[string, string, RegExp]> = [
    ['invalid JSON', '{"cells": [ }', /broken\.idcnb is not a valid \.idcnb \(nbformat 4\) notebook: invalid JSON \(ValueExpected at line 1, column 13\)/],
    ['a JSON array', '[]', /broken\.idcnb .*: expected an object, found an array/],
    ['nbformat 3', '{"nbformat": 3, "nbformat_minor": 0, "cells": []}', /nbformat: expected nbformat 4, found 3/],
    ['no nbformat', '{"cells": []}', /nbformat: expected nbformat 4, found none/],
    ['cells not a list', '{"nbformat": 4, "nbformat_minor": 5, "cells": {}}', /cells: expected an array, found an object/],
    ['a bad cell type', '{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "python", "source": ""}]}', /cells\[0\]\.cell_type: expected "code", "markdown" or "raw", found "python"/],
    ['a bad source', '{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "code", "source": 5, "outputs": []}]}', /cells\[0\]\.source: expected a string or a list of strings, found number 5/],
    [
      'an unknown output type',
      '{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "picture"}]}]}',
      /cells\[0\]\.outputs\[0\]\.output_type: expected "stream", "display_data", "execute_result" or "error", found "picture"/,
    ],
    [
      'bad base64',
      '{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/png": "not base64!"}}]}]}',
      /cells\[0\]\.outputs\[0\]\.data\["image\/png"\]: expected base64 data/,
    ],
    [
      'a bad stream name',
      '{"nbformat": 4, "nbformat_minor": 5, "cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "stream", "name": "stdlog", "text": ""}]}]}',
      /outputs\[0\]\.name: expected "stdout" or "stderr", found "stdlog"/,
    ],
  ];
  for (const [what, text, message] of corrupt) {
    it(`refuses ${what} with an error naming the file and the field`, () => {
      assert.throws(
        () => parseNotebook(text, 'broken.idcnb'),
        (error: unknown) => error instanceof NotebookFormatError && message.test(error.message) && error.message.includes('broken.idcnb'),
      );
    });
  }

  it('splits text into nbformat lines that join back to the text', () => {
    assert.deepEqual(splitLines('a\nb\n'), ['a\n', 'b\n']);
    assert.deepEqual(splitLines('a\nb'), ['a\n', 'b']);
    assert.deepEqual(splitLines(''), []);
    assert.deepEqual(splitLines('\n\n'), ['\n', '\n']);
  });
});
