import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The TypeScript code blocks of README.md, as separate modules that must type-check: used by
 * test/readme.e2e-spec.ts (against the library source, in `npm test`) and by the
 * compatibility run (against the packed package installed in a fresh Nest 11 app).
 */

export interface ReadmeBlock {
  /** 1-based position among the TypeScript blocks. */
  index: number;
  /** README line of the block's first code line. */
  line: number;
  code: string;
  /** File name the block is written to. */
  file: string;
}

/**
 * Modules that README blocks import but that belong to the user's app, not to this package:
 * a block may import exactly these relative paths. Anything else relative is an error.
 */
export const README_STUB_MODULES: Readonly<Record<string, string>> = {
  'auth/jwt-auth.guard.ts': [
    "import { CanActivate, Injectable } from '@nestjs/common';",
    '',
    "/** Stand-in for the reader's own authentication guard (Passport, session, ...). */",
    '@Injectable()',
    'export class JwtAuthGuard implements CanActivate {',
    '  canActivate(): boolean {',
    '    return true;',
    '  }',
    '}',
    '',
  ].join('\n'),
  'app.module.ts': [
    "import { Module } from '@nestjs/common';",
    '',
    "/** Stand-in for the reader's root module. */",
    '@Module({})',
    'export class AppModule {}',
    '',
  ].join('\n'),
};

const TS_FENCE = /^```(ts|typescript)\s*$/;

/** Every ```ts / ```typescript block of a markdown document, in order. */
export function extractTypeScriptBlocks(markdown: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  let current: { line: number; code: string[] } | undefined;
  let inOtherFence = false;
  lines.forEach((text, i) => {
    if (current) {
      if (/^```\s*$/.test(text)) {
        const index = blocks.length + 1;
        blocks.push({
          index,
          line: current.line,
          code: `${current.code.join('\n')}\n`,
          file: `readme-block-${String(index).padStart(2, '0')}.ts`,
        });
        current = undefined;
      } else {
        current.code.push(text);
      }
    } else if (inOtherFence) {
      if (/^```\s*$/.test(text)) inOtherFence = false;
    } else if (TS_FENCE.test(text)) {
      current = { line: i + 2, code: [] };
    } else if (/^```/.test(text)) {
      inOtherFence = true;
    }
  });
  if (current) throw new Error(`README.md: the TypeScript block opened at line ${current.line - 1} is never closed`);
  return blocks;
}

/** Writes the blocks and the stub modules under `dir`. */
export function writeReadmeBlocks(dir: string, blocks: ReadmeBlock[]): void {
  mkdirSync(dir, { recursive: true });
  for (const [file, source] of Object.entries(README_STUB_MODULES)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), source);
  }
  for (const block of blocks) writeFileSync(join(dir, block.file), block.code);
}

/** Relative imports of the blocks that are not stub modules (each one a problem). */
export function unknownRelativeImports(blocks: ReadmeBlock[]): string[] {
  const known = new Set(Object.keys(README_STUB_MODULES).map((file) => `./${file.replace(/\.ts$/, '')}`));
  const problems: string[] = [];
  for (const block of blocks) {
    for (const match of block.code.matchAll(/from\s+'(\.[^']*)'/g)) {
      if (!known.has(match[1])) {
        problems.push(
          `README.md block at line ${block.line}: imports '${match[1]}', which is not a stub module of test/compat/readme-blocks.ts`,
        );
      }
    }
  }
  return problems;
}

/**
 * Compiler options of a new Nest 11 app (`nest new`, @nestjs/schematics 11 tsconfig), with
 * `strict` on: what a careful user compiles the README's code with.
 */
export const NEST_APP_COMPILER_OPTIONS = {
  module: 'nodenext',
  moduleResolution: 'nodenext',
  resolvePackageJsonExports: true,
  esModuleInterop: true,
  isolatedModules: true,
  emitDecoratorMetadata: true,
  experimentalDecorators: true,
  allowSyntheticDefaultImports: true,
  target: 'ES2023',
  skipLibCheck: true,
  strict: true,
  forceConsistentCasingInFileNames: true,
  noEmit: true,
  types: ['node'],
} as const;

/**
 * Maps a diagnostic position in a block file back to README.md. `file` is the block's file
 * name, `line` 1-based within it.
 */
export function readmeLocation(blocks: ReadmeBlock[], file: string, line: number): string | undefined {
  const block = blocks.find((b) => file.endsWith(`/${b.file}`) || file === b.file);
  return block ? `README.md:${block.line + line - 1}` : undefined;
}
