import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BenchChild } from '../bench/lib/child-process';

/**
 * The bench's baseline checkouts (B1e/B2e, bench/lib/baseline.ts): a git ref extracted under
 * bench/.baseline/<ref>/ with this repository's node_modules and this tree's harness, reused
 * while its commit stays the same, and bench children forked from it load its own library.
 */
const REPO_ROOT = join(__dirname, '..');
const BASELINE_REF = 'cd24f13';
const commitOf = (ref: string) =>
  execFileSync('git', ['rev-parse', `${ref}^{commit}`], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();

/** A fresh copy of the module (its per-process memo emptied), as a later bench run sees it. */
function freshBaseline(): typeof import('../bench/lib/baseline') {
  let loaded: typeof import('../bench/lib/baseline') | undefined;
  jest.isolateModules(() => {
    loaded = jest.requireActual<typeof import('../bench/lib/baseline')>('../bench/lib/baseline');
  });
  return loaded!;
}

describe('bench baseline checkouts', () => {
  jest.setTimeout(120_000);

  it('extracts the ref with its own library, a node_modules link and this harness; a child run from it loads that library', async () => {
    const { materialiseBaseline, EVENTS_BASELINE_REF } = freshBaseline();
    expect(EVENTS_BASELINE_REF).toBe(BASELINE_REF);
    const baseline = materialiseBaseline(BASELINE_REF);

    expect(baseline).toEqual({
      ref: BASELINE_REF,
      commit: commitOf(BASELINE_REF),
      root: join(REPO_ROOT, 'bench', '.baseline', BASELINE_REF),
    });
    // 47b6009 is the library before the diagnostics channels.
    expect(existsSync(join(baseline.root, 'libs/perform-chat/src/auth/perform-chat-auth.service.ts'))).toBe(true);
    expect(existsSync(join(baseline.root, 'libs/perform-chat/src/telemetry/perform-chat-channels.ts'))).toBe(false);
    expect(realpathSync(join(baseline.root, 'node_modules'))).toBe(realpathSync(join(REPO_ROOT, 'node_modules')));
    // The harness is this tree's (a file 47b6009 did not have).
    expect(readFileSync(join(baseline.root, 'bench/lib/baseline.ts'), 'utf8')).toBe(
      readFileSync(join(REPO_ROOT, 'bench/lib/baseline.ts'), 'utf8'),
    );
    expect(existsSync(join(baseline.root, 'bench/.baseline'))).toBe(false);

    const [inBaseline, inRepo] = await Promise.all([
      BenchChild.start('sign-only', {}, { root: baseline.root }),
      BenchChild.start('sign-only'),
    ]);
    try {
      expect(await inBaseline.call('resolve', 'nestjs-performchat')).toBe(
        join(baseline.root, 'libs/perform-chat/src/index.ts'),
      );
      expect(await inRepo.call('resolve', 'nestjs-performchat')).toBe(
        join(REPO_ROOT, 'libs/perform-chat/src/index.ts'),
      );
      // The child entry itself is the checkout's (a relative name resolves beside the running bench/child.ts).
      expect(await inBaseline.call('resolve', './child')).toBe(join(baseline.root, 'bench/child.ts'));
      expect(await inRepo.call('resolve', './child')).toBe(join(REPO_ROOT, 'bench/child.ts'));
    } finally {
      await Promise.all([inBaseline.stop(), inRepo.stop()]);
    }
  });

  it('reuses a complete checkout of the same commit and extracts again one that is not', () => {
    // A ref of its own (the full hash: another folder), so a bench run's checkout is left alone.
    const ref = commitOf(BASELINE_REF);
    const root = join(REPO_ROOT, 'bench', '.baseline', ref);
    rmSync(root, { recursive: true, force: true });
    try {
      freshBaseline().materialiseBaseline(ref);
      // A fresh checkout has this tree's harness over its own (47b6009 had no bench/lib/baseline.ts).
      expect(readFileSync(join(root, 'bench/lib/baseline.ts'), 'utf8')).toBe(
        readFileSync(join(REPO_ROOT, 'bench/lib/baseline.ts'), 'utf8'),
      );
      const planted = join(root, 'planted.txt');
      writeFileSync(planted, 'kept while the checkout is reused');

      expect(freshBaseline().materialiseBaseline(ref).root).toBe(root);
      expect(existsSync(planted)).toBe(true);

      // A checkout whose marker names another commit (or none: half-written) is replaced.
      writeFileSync(join(root, '.baseline-commit'), `${'0'.repeat(40)}\n`);
      expect(freshBaseline().materialiseBaseline(ref).commit).toBe(ref);
      expect(existsSync(planted)).toBe(false);
      expect(readFileSync(join(root, '.baseline-commit'), 'utf8').trim()).toBe(ref);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('refuses a ref that names no commit', () => {
    expect(() => freshBaseline().materialiseBaseline('no-such-ref-for-the-bench')).toThrow(
      'baseline ref "no-such-ref-for-the-bench" names no commit',
    );
  });
});
