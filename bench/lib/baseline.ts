import { execFileSync, execSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** The repository this bench runs from (its bench/ is two levels up from here). */
export const REPO_ROOT = join(__dirname, '..', '..');

/**
 * The library as it was before the diagnostics channels and telemetry events of issue 16: the
 * last commit before they landed (47b6009) with one later fix that is not about events
 * (c29873f: the memory sliding-window log no longer walks every entry per acquire, which made
 * B1's 1e9-a-minute budget slow each call with a minute of entries), kept reachable from main by
 * a merge. The B1e/B2e rows compare the current code against it, so they differ by the events
 * only (`npm run bench -- --baseline=<ref>` picks another).
 */
export const EVENTS_BASELINE_REF = 'cd24f13';

/** Where baselines are materialised (gitignored; each one reused by later runs). */
export const BASELINE_DIR = join(REPO_ROOT, 'bench', '.baseline');

/** Written last into a materialised baseline: the full commit, so a half-written copy is never reused. */
const MARKER = '.baseline-commit';

export interface Baseline {
  /** The ref as given (`47b6009`, `v1.2.0`, ...). */
  ref: string;
  /** The full commit hash it names. */
  commit: string;
  /** The baseline's root: pass it as the `root` of `BenchChild.start` to run its own bench/child.ts. */
  root: string;
}

const materialised = new Map<string, Baseline>();

/**
 * The tree of `ref` under bench/.baseline/<ref>/, extracted with `git archive <commit> | tar -x`
 * (into a temporary folder renamed when complete) with a `node_modules` symlink to this
 * repository's, so that its own tsconfig paths and role files run as they were at that commit.
 * Reused when already there for the same commit (a branch name that moved is extracted again).
 * This tree's bench/ is then copied over the baseline's on every run, so that the harness is
 * the same on both sides and only the library (libs/) and the demo app (src/) differ.
 */
export function materialiseBaseline(ref: string = EVENTS_BASELINE_REF): Baseline {
  const known = materialised.get(ref);
  if (known) return known;
  let commit = '';
  try {
    commit = execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    // Answered below: git says nothing more with --quiet.
  }
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error(`baseline ref "${ref}" names no commit`);
  const root = join(BASELINE_DIR, ref.replace(/[^\w.-]/g, '_'));
  const marker = join(root, MARKER);
  if (!existsSync(marker) || readFileSync(marker, 'utf8').trim() !== commit) {
    const staging = `${root}.tmp-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    // The commit is 40 hex digits and the folder ours: nothing here comes from outside the shell's reach.
    execSync(`git archive --format=tar ${commit} | tar -x -C "${staging}"`, { cwd: REPO_ROOT, stdio: 'pipe' });
    symlinkSync(realpathSync(join(REPO_ROOT, 'node_modules')), join(staging, 'node_modules'), 'dir');
    writeFileSync(join(staging, MARKER), `${commit}\n`);
    rmSync(root, { recursive: true, force: true });
    renameSync(staging, root);
  }
  // The harness is this tree's: both sides of a comparison run the same bench/ (roles, loops),
  // only libs/ and src/ are the baseline's. (bench/ at 47b6009 is HEAD's but for a bug fixed
  // since: its roles left the API-request budget at 1000/min, refusing B1/B2 after a second.)
  // (Entry by entry: cpSync refuses to copy a folder into itself, and bench/.baseline is in bench/.)
  for (const entry of readdirSync(join(REPO_ROOT, 'bench'))) {
    if (entry === '.baseline' || entry === 'profiles') continue;
    cpSync(join(REPO_ROOT, 'bench', entry), join(root, 'bench', entry), { recursive: true, force: true });
  }
  const baseline = { ref, commit, root };
  materialised.set(ref, baseline);
  return baseline;
}
