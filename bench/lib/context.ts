import { BenchChild, type ChildOptions } from './child-process';

/** Settings of one run (`npm run bench [-- --quick] [--rounds=N] [--duration=S] ...`). */
export interface BenchSettings {
  quick: boolean;
  /** Measured rounds per comparison (after one warm-up per side). */
  rounds: number;
  /** Seconds per measurement. */
  seconds: number;
  warmupSeconds: number;
  redisUrl: string;
  /** Roles to run under `node --cpu-prof` (profiles in bench/profiles/). */
  cpuProfRoles: string[];
  /** The git ref the B1e/B2e rows compare against (`--baseline=<ref>`, default EVENTS_BASELINE_REF). */
  baselineRef: string;
}

/** One child's identity: its role, its config and the checkout it runs from. */
function childId(role: string, config: Record<string, unknown>, root: string | undefined): string {
  return `${role} ${JSON.stringify(config)}${root ? ` @${root}` : ''}`;
}

/** Children shared by the rows of one run (one emulator for B1, B2, B5, B6), stopped at the end. */
export class BenchContext {
  private readonly children = new Map<string, Promise<BenchChild>>();

  constructor(
    readonly settings: BenchSettings,
    readonly log: (line: string) => void = (line) => console.log(line),
  ) {}

  /** The child playing `role` with `config` (from `options.root` when given), started on first use. */
  child(role: string, config: Record<string, unknown> = {}, options: ChildOptions = {}): Promise<BenchChild> {
    const id = childId(role, config, options.root);
    let child = this.children.get(id);
    if (!child) {
      const profiling = this.settings.cpuProfRoles.includes(role) || this.settings.cpuProfRoles.includes('all');
      const nodeFlags = [
        ...(options.nodeFlags ?? []),
        ...(profiling ? ['--cpu-prof', '--cpu-prof-dir=bench/profiles'] : []),
      ];
      child = BenchChild.start(role, config, { ...options, nodeFlags });
      this.children.set(id, child);
    }
    return child;
  }

  /** The shared emulator (rate limits off). */
  emulator(): Promise<BenchChild> {
    return this.child('emulator');
  }

  /** Stops one child now (a row that is done with it, e.g. to free its memory). */
  async release(role: string, config: Record<string, unknown> = {}, root?: string): Promise<void> {
    const id = childId(role, config, root);
    const child = this.children.get(id);
    this.children.delete(id);
    if (child) await (await child).stop();
  }

  async stopAll(): Promise<void> {
    const children = [...this.children.values()];
    this.children.clear();
    await Promise.all(children.map(async (child) => (await child.catch(() => undefined))?.stop()));
  }
}
