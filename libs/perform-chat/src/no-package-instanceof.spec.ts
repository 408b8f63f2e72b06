import { LIBS_ROOT, librarySourceFiles } from '@test/utils/library-sources';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as ts from 'typescript';

/**
 * `instanceof` on a class imported from a package is refused in the library's sources.
 *
 * Why: this package is CommonJS. An app on Nest 12 (ESM-only) loads dual-published packages
 * such as axios through their ES module build, while `require()` here gets the CommonJS build:
 * two different classes for the same thing. `error instanceof AxiosError` then answers false
 * for a real axios error, and in 0.1.0 that let a raw AxiosError, whose `config.data` holds the
 * key secret, reach the app's log. Use the package's own guard (`axios.isAxiosError`,
 * `isBrokenCircuitError`) or the value's shape. `instanceof` on this library's own classes and
 * on JavaScript built-ins (`Error`, `Date`, ...) is fine.
 */

interface Finding {
  file: string;
  line: number;
  text: string;
  from: string;
}

/** Every `x instanceof Y` whose `Y` (or the root of `Y.Z`) is imported from a package. */
export function findPackageInstanceof(fileName: string, source: string): Finding[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const imported = new Map<string, string>();
  for (const statement of file.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const from = statement.moduleSpecifier.text;
    if (from.startsWith('.') || from.startsWith('node:')) continue;
    const clause = statement.importClause;
    if (!clause) continue;
    if (clause.name) imported.set(clause.name.text, from);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) imported.set(bindings.name.text, from);
    if (bindings && ts.isNamedImports(bindings))
      for (const element of bindings.elements) imported.set(element.name.text, from);
  }
  // `const { AxiosError } = require('axios')` and `const axios = require('axios')` count too.
  const visitRequires = (node: ts.Node): void => {
    if (
      ts.isVariableDeclaration(node) &&
      node.initializer &&
      ts.isCallExpression(node.initializer) &&
      ts.isIdentifier(node.initializer.expression) &&
      node.initializer.expression.text === 'require' &&
      node.initializer.arguments.length === 1 &&
      ts.isStringLiteral(node.initializer.arguments[0])
    ) {
      const from = (node.initializer.arguments[0] as ts.StringLiteral).text;
      if (!from.startsWith('.') && !from.startsWith('node:')) {
        if (ts.isIdentifier(node.name)) imported.set(node.name.text, from);
        if (ts.isObjectBindingPattern(node.name)) {
          for (const element of node.name.elements)
            if (ts.isIdentifier(element.name)) imported.set(element.name.text, from);
        }
      }
    }
    ts.forEachChild(node, visitRequires);
  };
  visitRequires(file);

  const findings: Finding[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.InstanceOfKeyword) {
      let root: ts.Expression = node.right;
      while (ts.isPropertyAccessExpression(root)) root = root.expression;
      const from = ts.isIdentifier(root) ? imported.get(root.text) : undefined;
      if (from !== undefined) {
        const { line } = file.getLineAndCharacterOfPosition(node.getStart());
        findings.push({ file: fileName, line: line + 1, text: node.getText(), from });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return findings;
}

describe('no instanceof on a class from a package (the dual-package hazard)', () => {
  it.each([
    ["import { AxiosError } from 'axios';\nif (e instanceof AxiosError) {}", 'axios'],
    ["import axios from 'axios';\nif (e instanceof axios.AxiosError) {}", 'axios'],
    ["import * as cockatiel from 'cockatiel';\nconst b = e instanceof cockatiel.BrokenCircuitError;", 'cockatiel'],
    [
      "import { RateLimiterRes as R } from 'rate-limiter-flexible';\nconst b = e instanceof R;",
      'rate-limiter-flexible',
    ],
    ["const { Redis } = require('ioredis');\nconst b = c instanceof Redis;", 'ioredis'],
  ])('finds %j', (source, from) => {
    expect(findPackageInstanceof('fixture.ts', source)).toEqual([expect.objectContaining({ line: 2, from })]);
  });

  it.each([
    "import { PerformChatError } from './errors/perform-chat.error';\nconst b = e instanceof PerformChatError;",
    'const b = e instanceof Error || d instanceof Date;',
    "import { readFileSync } from 'node:fs';\nconst b = e instanceof Error;",
    "import axios from 'axios';\nconst b = axios.isAxiosError(e);",
  ])('accepts %j', (source) => {
    expect(findPackageInstanceof('fixture.ts', source)).toEqual([]);
  });

  it("holds for every source file of the library and the emulator (use the package's guard or the value's shape)", () => {
    const root = LIBS_ROOT;
    const files = librarySourceFiles();
    expect(files.length).toBeGreaterThan(50);
    const findings = files.flatMap((file) => findPackageInstanceof(relative(root, file), readFileSync(file, 'utf8')));
    expect(findings.map((f) => `${f.file}:${f.line} ${f.text} (class from '${f.from}')`)).toEqual([]);
  });
});
