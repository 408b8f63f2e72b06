import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as ts from 'typescript';

const SRC = resolve(__dirname, '..');
const run = promisify(execFile);

/**
 * The otel entry and every file it imports, transpiled to JavaScript into `dir` (same layout):
 * the entry as it runs, outside the monorepo, where nothing resolves `@opentelemetry/api`
 * unless the test links it.
 */
function transpileEntry(dir: string): string {
  const pending = [join(SRC, 'otel', 'index.ts')];
  const done = new Set<string>();
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (done.has(file)) continue;
    done.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/from '(\.[^']+)'/g)) {
      const base = resolve(dirname(file), match[1]);
      pending.push(base.endsWith('.ts') ? base : /\/otel$/.test(base) ? join(base, 'index.ts') : `${base}.ts`);
    }
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    const out = join(dir, relative(SRC, file)).replace(/\.ts$/, '.js');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  return join(dir, 'otel', 'index.js');
}

describe('nestjs-performchat/otel without @opentelemetry/api', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'performchat-otel-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('throws, on require, an Error that says what to install; with the package linked it loads', async () => {
    const entry = transpileEntry(join(dir, 'lib'));
    const probe = `try { const m = require(${JSON.stringify(entry)}); console.log('LOADED', typeof m.instrumentPerformChat) } catch (e) { console.log('FAILED', e.message) }`;
    const env = { ...process.env, NODE_PATH: '' };
    const without = await run(process.execPath, ['-e', probe], { cwd: dir, env });
    expect(without.stdout.trim()).toBe(
      'FAILED nestjs-performchat/otel needs the @opentelemetry/api package (an optional peer dependency): npm install @opentelemetry/api',
    );

    mkdirSync(join(dir, 'node_modules', '@opentelemetry'), { recursive: true });
    symlinkSync(
      realpathSync(require.resolve('@opentelemetry/api')).replace(/(\/@opentelemetry\/api)\/.*$/, '$1'),
      join(dir, 'node_modules', '@opentelemetry', 'api'),
    );
    const linked = await run(process.execPath, ['-e', probe], { cwd: dir, env });
    expect(linked.stdout.trim()).toBe('LOADED function');
  });
});
