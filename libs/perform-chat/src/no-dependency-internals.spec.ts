import { LIBS_ROOT, librarySourceFiles } from '@test/utils/library-sources';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import * as ts from 'typescript';

/**
 * The library reads and writes no private field of a dependency: no `x._name` and no
 * `x['_name']` in its sources. A package's underscore members (rate-limiter-flexible's
 * `_memoryStorage`, ioredis's `_events`, ...) are not its API and may change in any release,
 * minor ones included, so code that relies on them breaks silently for users on a caret range.
 * Extend or wrap what the package exports instead (see rate-limit/perform-chat-memory-limiter.ts).
 * The library's own members are not named with a leading underscore, so any such access is
 * a dependency's.
 */
export function findUnderscoreAccess(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const findings: string[] = [];
  const visit = (node: ts.Node): void => {
    const name = ts.isPropertyAccessExpression(node)
      ? node.name.text
      : ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)
        ? node.argumentExpression.text
        : undefined;
    if (name?.startsWith('_')) {
      const { line } = file.getLineAndCharacterOfPosition(node.getStart());
      findings.push(`${fileName}:${line + 1} ${node.getText()}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return findings;
}

describe('no private fields of dependencies', () => {
  it.each([
    '(this as unknown as { _memoryStorage: unknown })._memoryStorage = storage;',
    "const storage = limiter['_memoryStorage'];",
    'client._events.close = undefined;',
  ])('finds %j', (source) => {
    expect(findUnderscoreAccess('fixture.ts', source)).toEqual([expect.stringMatching(/^fixture\.ts:1 /)]);
  });

  it.each([
    'limiter.storage.records.size;',
    "const value = options['customDuration'];",
    '// replaces RateLimiterMemory._memoryStorage, which is private',
    "const text = 'x._y';",
    'function f(_unused: number) { return 1; }',
  ])('accepts %j', (source) => {
    expect(findUnderscoreAccess('fixture.ts', source)).toEqual([]);
  });

  it('holds for every source file of the library and the emulator', () => {
    const root = LIBS_ROOT;
    const files = librarySourceFiles();
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((file) => findUnderscoreAccess(relative(root, file), readFileSync(file, 'utf8')))).toEqual([]);
  });
});
