/** New cells get an nbformat id as soon as they are added, so saves do not churn ids. */
import assert from 'node:assert/strict';
import { assignCellIds } from '../../extension/cellIds';
import * as fake from './fakeVscode';

describe('cell ids for cells added in the editor', () => {
  it('sets an id on added cells that have none, keeping their metadata, and leaves others alone', () => {
    const subscription = assignCellIds();
    const uri = fake.Uri.file('/tmp/nb.idcnb');
    fake.appliedEdits.length = 0;
    fake.notebookChanges.fire({
      notebook: { notebookType: 'idc-notebook', uri },
      contentChanges: [
        {
          addedCells: [
            { index: 2, metadata: { metadata: { tags: ['x'] } } },
            { index: 3, metadata: { id: 'kept' } },
          ],
        },
      ],
    });
    fake.notebookChanges.fire({ notebook: { notebookType: 'jupyter-notebook', uri }, contentChanges: [{ addedCells: [{ index: 0, metadata: {} }] }] });
    subscription.dispose();
    assert.equal(fake.appliedEdits.length, 1);
    const [target, edits] = fake.appliedEdits[0]?.entries[0] ?? [];
    assert.equal(target, uri);
    assert.equal(edits?.length, 1);
    assert.equal(edits?.[0]?.index, 2);
    assert.deepEqual(edits?.[0]?.newCellMetadata.metadata, { tags: ['x'] });
    assert.match(String(edits?.[0]?.newCellMetadata.id), /^[0-9a-f]{8}$/);
  });
});
