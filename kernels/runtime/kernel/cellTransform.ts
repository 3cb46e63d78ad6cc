/**
 * Turns one notebook cell of TypeScript into a script the kernel can run with notebook
 * semantics, without type-checking (transpileModule is syntax-only, so it is fast):
 *
 *  - top-level declarations (const, let, var, function, class, enum, import) become global
 *    variables, so later cells see them and a later `const x` simply replaces the value,
 *    as re-running a cell does in a Python notebook;
 *  - the body runs inside an async function, so top-level `await` works;
 *  - the value of a final expression statement is returned (it is shown as the result);
 *  - every loop body, every catch clause and every `await` calls an interrupt check, which
 *    is how an interrupt stops a synchronous loop while the kernel keeps its state.
 *
 * Emitted shape (the script's completion value is the function):
 *
 *     var a, f, C;                                     // the cell's top-level names
 *     (async (__idcCheck, __idcResume, __idcLoad) => {
 *       "use strict";
 *       f = function f() { ... };                      // function declarations hoisted
 *       a = await __idcResume(load());
 *       ...
 *     })
 */
import ts from 'typescript';

export const CHECK = '__idcCheck';
export const RESUME = '__idcResume';
export const LOAD = '__idcLoad';

export interface CompiledCell {
  /** JavaScript to run as a classic script; its completion value is the cell function. */
  code: string;
  /** Source map (v3 JSON) from `code` back to the cell's TypeScript. */
  sourceMap: string;
  /** Names the cell declares at top level (they persist as globals). */
  declaredNames: string[];
}

export class CellSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
    this.name = 'SyntaxError';
  }
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  sourceMap: true,
  inlineSources: true,
  removeComments: false,
  esModuleInterop: true,
  isolatedModules: true,
  // Keep every import that is not marked `type`: a later cell may use it as a value, and
  // without this TypeScript drops imports the cell itself does not use.
  verbatimModuleSyntax: true,
  experimentalDecorators: false,
  jsx: ts.JsxEmit.None,
};

/** `fileName` names the compiled script (stack traces); the source is always TypeScript. */
export function compileCell(source: string, fileName: string): CompiledCell {
  const declared = new Set<string>();
  const output = ts.transpileModule(source, {
    // The extension decides the language: a ".js" name would parse `f<T>(x)` as comparisons.
    fileName: `${fileName.replace(/\.[cm]?[jt]sx?$/, '')}.ts`,
    compilerOptions: COMPILER_OPTIONS,
    reportDiagnostics: true,
    transformers: { after: [(context) => (sf) => transformCell(sf, context, declared)] },
  });
  const syntaxError = output.diagnostics?.find((d) => d.category === ts.DiagnosticCategory.Error && isSyntactic(d));
  if (syntaxError) throw toSyntaxError(syntaxError);
  // The map is registered in memory; a sourceMappingURL would send Node looking for a file.
  const code = output.outputText.replace(/\n\/\/# sourceMappingURL=.*\s*$/, '\n');
  return { code, sourceMap: output.sourceMapText ?? '', declaredNames: [...declared] };
}

// TypeScript reports some semantic complaints even in transpileModule; only the codes of
// real parse errors (1xxx) stop a cell, so `await` at top level (1375/1378) is allowed.
const ALLOWED_CODES = new Set([1375, 1378, 1431, 1432, 2304]);
function isSyntactic(d: ts.Diagnostic): boolean {
  return d.code >= 1000 && d.code < 2000 && !ALLOWED_CODES.has(d.code);
}

function toSyntaxError(d: ts.Diagnostic): CellSyntaxError {
  const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (d.file && d.start !== undefined) {
    const pos = d.file.getLineAndCharacterOfPosition(d.start);
    return new CellSyntaxError(text, pos.line + 1, pos.character + 1);
  }
  return new CellSyntaxError(text, 1, 1);
}

function transformCell(sf: ts.SourceFile, context: ts.TransformationContext, declared: Set<string>): ts.SourceFile {
  const f = context.factory;
  const hoisted: ts.Statement[] = [];
  const body: ts.Statement[] = [];
  let lastIsValue = false;

  const instrument = (node: ts.Node): ts.Node => instrumentInterrupts(node, context);

  for (const original of sf.statements) {
    // `export {}` (which TypeScript appends to a module without exports) and `export { a }`
    // have nothing to export from a cell and must not hide the value of the statement before.
    if (ts.isExportDeclaration(original)) continue;
    const stmt = ts.visitNode(original, instrument) as ts.Statement;
    lastIsValue = false;
    if (ts.isVariableStatement(stmt)) {
      body.push(...variableToAssignments(stmt, f, declared));
    } else if (ts.isFunctionDeclaration(stmt) && stmt.name && stmt.body) {
      declared.add(stmt.name.text);
      const expr = f.createFunctionExpression(
        stmt.modifiers?.filter((m) => m.kind === ts.SyntaxKind.AsyncKeyword) as ts.Modifier[] | undefined,
        stmt.asteriskToken,
        stmt.name,
        stmt.typeParameters,
        stmt.parameters,
        stmt.type,
        stmt.body,
      );
      hoisted.push(at(f.createExpressionStatement(f.createAssignment(f.createIdentifier(stmt.name.text), expr)), original));
    } else if (ts.isClassDeclaration(stmt) && stmt.name) {
      declared.add(stmt.name.text);
      const expr = f.createClassExpression(undefined, stmt.name, stmt.typeParameters, stmt.heritageClauses, stmt.members);
      body.push(at(f.createExpressionStatement(f.createAssignment(f.createIdentifier(stmt.name.text), expr)), original));
    } else if (ts.isImportDeclaration(stmt)) {
      body.push(...importToAssignments(stmt, f, declared, original));
    } else if (ts.isExportAssignment(stmt)) {
      body.push(at(f.createExpressionStatement(stmt.expression), original));
      lastIsValue = true;
    } else if (ts.isExpressionStatement(stmt)) {
      body.push(stmt);
      lastIsValue = !isAssignment(stmt.expression);
    } else {
      body.push(stmt);
    }
  }

  const last = body[body.length - 1];
  if (lastIsValue && last && ts.isExpressionStatement(last)) {
    body[body.length - 1] = at(f.createReturnStatement(last.expression), last);
  }

  const cellFunction = f.createArrowFunction(
    [f.createModifier(ts.SyntaxKind.AsyncKeyword)],
    undefined,
    [CHECK, RESUME, LOAD].map((name) => f.createParameterDeclaration(undefined, undefined, name)),
    undefined,
    f.createToken(ts.SyntaxKind.EqualsGreaterThanToken),
    f.createBlock([f.createExpressionStatement(f.createStringLiteral('use strict')), ...hoisted, ...body], true),
  );
  const statements: ts.Statement[] = [];
  if (declared.size > 0) {
    statements.push(
      f.createVariableStatement(
        undefined,
        f.createVariableDeclarationList(
          [...declared].map((n) => f.createVariableDeclaration(n)),
          ts.NodeFlags.None,
        ),
      ),
    );
  }
  statements.push(f.createExpressionStatement(f.createParenthesizedExpression(cellFunction)));
  return f.updateSourceFile(sf, statements);
}

/** Gives a synthesized node the source position of the statement it replaces (source maps). */
function at<T extends ts.Node>(node: T, original: ts.Node): T {
  ts.setTextRange(node, original);
  ts.setOriginalNode(node, original);
  return node;
}

function isAssignment(expr: ts.Expression): boolean {
  return ts.isBinaryExpression(expr) && expr.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && expr.operatorToken.kind <= ts.SyntaxKind.LastAssignment;
}

function variableToAssignments(stmt: ts.VariableStatement, f: ts.NodeFactory, declared: Set<string>): ts.Statement[] {
  const isVar = (stmt.declarationList.flags & ts.NodeFlags.BlockScoped) === 0;
  const out: ts.Statement[] = [];
  for (const decl of stmt.declarationList.declarations) {
    collectNames(decl.name, declared);
    let value = decl.initializer;
    // `let x;` re-run resets x, as a fresh declaration would; `var x;` keeps it, as JS does.
    if (!value) {
      if (isVar || !ts.isIdentifier(decl.name)) continue;
      value = f.createVoidZero();
    }
    out.push(at(f.createExpressionStatement(f.createAssignment(bindingToTarget(decl.name, f), value)), decl));
  }
  return out;
}

function collectNames(name: ts.BindingName, into: Set<string>): void {
  if (ts.isIdentifier(name)) {
    into.add(name.text);
    return;
  }
  for (const element of name.elements) {
    if (ts.isBindingElement(element)) collectNames(element.name, into);
  }
}

/** `{ a, b: [c = 1], ...rest }` as a binding pattern becomes the same assignment pattern. */
function bindingToTarget(name: ts.BindingName, f: ts.NodeFactory): ts.Expression {
  if (ts.isIdentifier(name)) return f.createIdentifier(name.text);
  if (ts.isObjectBindingPattern(name)) {
    return f.createObjectLiteralExpression(
      name.elements.map((el) => {
        const target = bindingToTarget(el.name, f);
        if (el.dotDotDotToken) return f.createSpreadAssignment(target);
        if (!el.propertyName && ts.isIdentifier(el.name)) {
          return f.createShorthandPropertyAssignment(el.name.text, el.initializer);
        }
        const key = el.propertyName ?? (el.name as ts.Identifier);
        const value = el.initializer ? f.createAssignment(target, el.initializer) : target;
        return f.createPropertyAssignment(key as ts.PropertyName, value);
      }),
    );
  }
  return f.createArrayLiteralExpression(
    name.elements.map((el) => {
      if (ts.isOmittedExpression(el)) return el;
      const target = bindingToTarget(el.name, f);
      if (el.dotDotDotToken) return f.createSpreadElement(target);
      return el.initializer ? f.createAssignment(target, el.initializer) : target;
    }),
  );
}

function importToAssignments(stmt: ts.ImportDeclaration, f: ts.NodeFactory, declared: Set<string>, original: ts.Node): ts.Statement[] {
  const clause = stmt.importClause;
  if (clause?.isTypeOnly) return [];
  const load = () => f.createAwaitExpression(f.createCallExpression(f.createIdentifier(LOAD), undefined, [stmt.moduleSpecifier]));
  if (!clause) return [at(f.createExpressionStatement(load()), original)];
  const out: ts.Statement[] = [];
  const assign = (target: ts.Expression, value: ts.Expression) => out.push(at(f.createExpressionStatement(f.createAssignment(target, value)), original));
  if (clause.name) {
    declared.add(clause.name.text);
    // Default import with CommonJS interop: `module.default` when it is an ES module.
    assign(
      f.createIdentifier(clause.name.text),
      f.createPropertyAccessExpression(
        f.createParenthesizedExpression(
          f.createCallExpression(f.createPropertyAccessExpression(f.createIdentifier(LOAD), 'interopDefault'), undefined, [load()]),
        ),
        'default',
      ),
    );
  }
  const bindings = clause.namedBindings;
  if (bindings && ts.isNamespaceImport(bindings)) {
    declared.add(bindings.name.text);
    assign(f.createIdentifier(bindings.name.text), load());
  } else if (bindings && ts.isNamedImports(bindings)) {
    const elements = bindings.elements.filter((el) => !el.isTypeOnly);
    if (elements.length > 0) {
      for (const el of elements) declared.add(el.name.text);
      const pattern = f.createObjectLiteralExpression(
        elements.map((el) =>
          el.propertyName
            ? f.createPropertyAssignment(el.propertyName as ts.PropertyName, f.createIdentifier(el.name.text))
            : f.createShorthandPropertyAssignment(el.name.text),
        ),
      );
      assign(pattern, load());
    }
  }
  return out;
}

/**
 * Inserts the interrupt checks, at every depth of the cell (functions defined in a cell are
 * interruptible too when a later cell calls them).
 */
function instrumentInterrupts(node: ts.Node, context: ts.TransformationContext): ts.Node {
  const f = context.factory;
  const check = () => f.createExpressionStatement(f.createCallExpression(f.createIdentifier(CHECK), undefined, []));
  const withCheck = (stmt: ts.Statement): ts.Statement =>
    ts.isBlock(stmt) ? f.updateBlock(stmt, [check(), ...stmt.statements]) : f.createBlock([check(), stmt], true);

  const visit = (n: ts.Node): ts.Node => {
    const v = ts.visitEachChild(n, visit, context);
    if (ts.isWhileStatement(v)) return f.updateWhileStatement(v, v.expression, withCheck(v.statement));
    if (ts.isDoStatement(v)) return f.updateDoStatement(v, withCheck(v.statement), v.expression);
    if (ts.isForStatement(v)) return f.updateForStatement(v, v.initializer, v.condition, v.incrementor, withCheck(v.statement));
    if (ts.isForOfStatement(v)) return f.updateForOfStatement(v, v.awaitModifier, v.initializer, v.expression, withCheck(v.statement));
    if (ts.isForInStatement(v)) return f.updateForInStatement(v, v.initializer, v.expression, withCheck(v.statement));
    if (ts.isCatchClause(v)) return f.updateCatchClause(v, v.variableDeclaration, withCheck(v.block) as ts.Block);
    if (ts.isAwaitExpression(v)) return f.createCallExpression(f.createIdentifier(RESUME), undefined, [v]);
    // `import('x')` cannot run in a vm script without a loader callback; route it to ours.
    if (ts.isCallExpression(v) && v.expression.kind === ts.SyntaxKind.ImportKeyword) {
      return f.createCallExpression(f.createIdentifier(LOAD), undefined, v.arguments);
    }
    return v;
  };
  return visit(node);
}
