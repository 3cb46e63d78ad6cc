/**
 * Test set-up: tests that exercise extension code get the fake `vscode` module of
 * test/extension/fakeVscode.ts (there is no extension host in unit tests).
 */
import Module from 'node:module';
import path from 'node:path';

type Resolve = (request: string, ...rest: unknown[]) => string;
const mod = Module as unknown as { _resolveFilename: Resolve };
const original = mod._resolveFilename;
const fake = path.join(__dirname, 'extension', 'fakeVscode.ts');
mod._resolveFilename = function (request: string, ...rest: unknown[]) {
  return original.call(this, request === 'vscode' ? fake : request, ...rest);
};
