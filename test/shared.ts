/**
 * Reference files of `../shared` (beside the checkout; read there, never copied into the
 * project). A test that needs one is always registered and shows as pending where the file is
 * absent, so a missing reference is visible in the summary rather than silently untested.
 */
import fs from 'node:fs';
import path from 'node:path';

export const SHARED = path.resolve(__dirname, '..', '..', 'shared');

/**
 * Call first in a test (`function () {...}`, not an arrow): skips it as pending when `file` is
 * absent, and says so in the test's title, since mocha shows no reason for a pending test.
 */
export function needsShared(test: Mocha.Context, file: string): void {
  if (fs.existsSync(file)) return;
  if (test.test) test.test.title += ` (pending: ${file} is absent)`;
  test.skip();
}
