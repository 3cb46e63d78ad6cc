/**
 * The cell transform, output for output: what each kind of top-level statement becomes, pinned
 * as the exact JavaScript emitted (the executor tests run cells; these say how).
 */
import assert from 'node:assert/strict';
import { CellSyntaxError, compileCell } from '../../../kernels/runtime/kernel/cellTransform';

/** The emitted code, and the names the cell declares. */
function emitted(source: string): { code: string; names: string[] } {
  const { code, declaredNames } = compileCell(source, 'cell.ts');
  return { code, names: declaredNames };
}

/** The cell function's shape around `body` (four-space indented lines). */
function cell(names: string[], body: string[]): string {
  const head = names.length > 0 ? `var ${names.join(', ')};\n` : '';
  return `${head}(async (__idcCheck, __idcResume, __idcLoad) => {\n    "use strict";\n${body.map((l) => `    ${l}\n`).join('')}});\n`;
}

describe('cell transform', () => {
  it('turns const, let and var into assignments to globals; a bare let resets, a bare var keeps', () => {
    const { code, names } = emitted('const a = 1;\nlet b;\nvar c;\nlet d = a + 1;');
    assert.deepEqual(names, ['a', 'b', 'c', 'd']);
    assert.equal(code, cell(names, ['a = 1;', 'b = void 0;', 'd = a + 1;']));
  });

  it('turns destructuring declarations into the same assignment patterns, defaults, holes and rests kept', () => {
    const { code, names } = emitted('const { x, y: [z = 2], ...rest } = obj;\nconst [p, , q = 3, ...more] = arr;');
    assert.deepEqual(names, ['x', 'z', 'rest', 'p', 'q', 'more']);
    assert.equal(code, cell(names, ['({ x, y: [z = 2], ...rest } = obj);', '[p, , q = 3, ...more] = arr;']));
  });

  it('loads imports through the kernel loader: default with CommonJS interop, namespace, renamed names; type-only imports vanish', () => {
    const { code, names } = emitted(
      "import fs from 'node:fs';\nimport * as path from 'node:path';\nimport { readFile as rf, type Stats, join } from 'x';\nimport type { T } from 'y';\nimport 'side-effect';",
    );
    assert.deepEqual(names, ['fs', 'path', 'rf', 'join']);
    assert.equal(
      code,
      cell(names, [
        "fs = (__idcLoad.interopDefault(await __idcLoad('node:fs'))).default;",
        "path = await __idcLoad('node:path');",
        "({ readFile: rf, join } = await __idcLoad('x'));",
        "await __idcLoad('side-effect');",
      ]),
    );
  });

  it('hoists function declarations above the body (async and generator kept); classes stay in place', () => {
    const { code, names } = emitted('g();\nfunction g() { return 1; }\nasync function* h() {}\nclass K extends Base {}\nconst e = 1;');
    assert.deepEqual(names, ['g', 'h', 'K', 'e']);
    assert.equal(code, cell(names, ['g = function g() { return 1; };', 'h = async function* h() { };', 'g();', 'K = class K extends Base {', '};', 'e = 1;']));
  });

  it('checks for an interrupt in every loop body and catch clause, and resumes through the kernel after every await', () => {
    const { code, names } = emitted(
      'for (let i = 0; i < 3; i++) n++;\nwhile (ok) { step(); }\ndo x--; while (x > 0);\nfor (const v of list) use(v);\nfor (const k in o) {}\ntry { f(); } catch (e) { g(e); }\nconst r = await load();\nconst m = await import("m");',
    );
    assert.deepEqual(names, ['r', 'm']);
    assert.equal(
      code,
      cell(names, [
        'for (let i = 0; i < 3; i++) {',
        '    __idcCheck();',
        '    n++;',
        '}',
        'while (ok) {',
        '    __idcCheck();',
        '    step();',
        '}',
        'do {',
        '    __idcCheck();',
        '    x--;',
        '} while (x > 0);',
        'for (const v of list) {',
        '    __idcCheck();',
        '    use(v);',
        '}',
        'for (const k in o) {',
        '    __idcCheck();',
        '}',
        'try {',
        '    f();',
        '}',
        'catch (e) {',
        '    __idcCheck();',
        '    g(e);',
        '}',
        'r = __idcResume(await load());',
        'm = __idcResume(await __idcLoad("m"));',
      ]),
    );
  });

  it('checks inside functions the cell defines too, at any depth', () => {
    const { code } = emitted('function spin() { const inner = () => { while (true) {} }; return inner; }');
    assert.equal(code, cell(['spin'], ['spin = function spin() { const inner = () => { while (true) {', '    __idcCheck();', '} }; return inner; };']));
  });

  it('returns the value of a final expression, but not of a final assignment', () => {
    assert.equal(emitted('const a = 1;\na + 1').code, cell(['a'], ['a = 1;', 'return a + 1;']));
    assert.equal(emitted('let a = 1;\na = 2').code, cell(['a'], ['a = 1;', 'a = 2;']));
    assert.equal(emitted('const a = 1;\nexport { a };\na * 2').code, cell(['a'], ['a = 1;', 'return a * 2;']));
    assert.equal(emitted('42').code, cell([], ['return 42;']));
  });

  it('erases types, keeps enums as globals, and parses generic calls as TypeScript', () => {
    const { code, names } = emitted('interface I { a: number }\ntype T = string;\nconst n: number = f<T>(1);\nenum E { A, B }');
    assert.deepEqual(names, ['n', 'E']);
    assert.equal(code, cell(names, ['n = f(1);', 'return (function (E) {', '    E[E["A"] = 0] = "A";', '    E[E["B"] = 1] = "B";', '})(E || (E = {}));']));
  });

  it('reports a syntax error at its line and column in the cell', () => {
    assert.throws(
      () => compileCell('const a = 1;\nconst b = (;', 'cell.ts'),
      (e: unknown) => e instanceof CellSyntaxError && e.name === 'SyntaxError' && e.line === 2 && e.column === 12 && e.message === 'Expression expected.',
    );
  });

  it('maps the emitted code back to the cell source', () => {
    const { sourceMap } = compileCell('const a = 1;\nconst b = a + 1;', 'cell.ts');
    const map = JSON.parse(sourceMap) as { sources: string[]; sourcesContent: string[] };
    assert.deepEqual(map.sources, ['cell.ts']);
    assert.deepEqual(map.sourcesContent, ['const a = 1;\nconst b = a + 1;']);
  });
});
