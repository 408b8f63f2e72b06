import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import {
  NEST_APP_COMPILER_OPTIONS,
  ReadmeBlock,
  extractTypeScriptBlocks,
  readmeLocation,
  unknownRelativeImports,
  writeReadmeBlocks,
} from './compat/readme-blocks';

/**
 * Every ```ts block of README.md compiles: each block is written as its own module in a temp
 * dir and all of them are type-checked in one TypeScript program, with the compiler options of
 * a new Nest 11 app (strict on).
 *
 * Here `nestjs-performchat` and `nestjs-performchat/emulator` resolve to the library source
 * (the same path aliases as the rest of `npm test`), so the check needs no build and fails as
 * soon as a README example and the API part ways. The compatibility run
 * (`npm run test:compat`) type-checks the same blocks against the packed package installed in
 * a fresh Nest 11 app, i.e. against the published .d.ts files.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { generatePackageReadme, checkPackageReadme } = require('../scripts/package-readme') as {
  generatePackageReadme: (readme: string, pkg: object) => string;
  checkPackageReadme: (readme: string, pkg: object) => string[];
};
const root = resolve(__dirname, '..');

function typeCheck(dir: string, blocks: ReadmeBlock[]): string[] {
  const { options, errors } = ts.convertCompilerOptionsFromJson(
    {
      ...NEST_APP_COMPILER_OPTIONS,
      baseUrl: dir,
      typeRoots: [join(root, 'node_modules/@types')],
      paths: {
        'nestjs-performchat': [join(root, 'libs/perform-chat/src/index.ts')],
        'nestjs-performchat/emulator': [join(root, 'libs/perform-chat-emulator/src/index.ts')],
        'nestjs-performchat/otel': [join(root, 'libs/perform-chat/src/otel/index.ts')],
        // The blocks live outside the repository: their other imports come from its node_modules.
        '*': [join(root, 'node_modules/*'), join(root, 'node_modules/@types/*')],
      },
    },
    dir,
  );
  if (errors.length > 0) throw new Error(ts.formatDiagnostics(errors, ts.createCompilerHost({})));
  const files = blocks.map((block) => join(dir, block.file));
  const program = ts.createProgram(files, options);
  // Only the blocks and the stubs: the library source compiles under `npm run typecheck` (users
  // only ever compile against its .d.ts, which the compatibility run checks).
  const inDir = (d: ts.Diagnostic) => !d.file || d.file.fileName.startsWith(`${dir}/`);
  return ts
    .getPreEmitDiagnostics(program)
    .filter(inDir)
    .map((diagnostic) => {
      const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
      if (!diagnostic.file || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
      const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
      const where =
        readmeLocation(blocks, diagnostic.file.fileName, line + 1) ?? `${diagnostic.file.fileName}:${line + 1}`;
      return `${where}:${character + 1} TS${diagnostic.code}: ${message}`;
    });
}

describe('README.md TypeScript blocks', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = extractTypeScriptBlocks(readme);
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nestjs-performchat-readme-'));
    writeReadmeBlocks(dir, blocks);
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has TypeScript blocks, each importing only packages or the stub modules', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    expect(unknownRelativeImports(blocks)).toEqual([]);
  });

  it('type-checks every block, as separate modules of one program', () => {
    expect(typeCheck(dir, blocks)).toEqual([]);
  }, 60_000);
});

describe('the package README (generated from README.md by npm run pack:lib)', () => {
  it('carries no monorepo instructions, relative links or dangling anchors', () => {
    // Mark monorepo-only text in README.md with <!-- monorepo-only --> ... <!-- /monorepo-only -->.
    const pkg = JSON.parse(readFileSync(join(root, 'libs/perform-chat/package.json'), 'utf8')) as object;
    const readme = generatePackageReadme(readFileSync(join(root, 'README.md'), 'utf8'), pkg);
    expect(checkPackageReadme(readme, pkg)).toEqual([]);
    expect(readme).not.toMatch(/^## Development/m);
  });
});
