import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The libs/ folder: paths in findings are shown relative to it. */
export const LIBS_ROOT = join(__dirname, '..', '..', 'libs');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Every non-spec TypeScript source file of the library and the emulator, for checks over the whole code. */
export function librarySourceFiles(): string[] {
  return [
    ...sourceFiles(join(LIBS_ROOT, 'perform-chat', 'src')),
    ...sourceFiles(join(LIBS_ROOT, 'perform-chat-emulator', 'src')),
  ];
}
