/** What a bench child role (bench/roles/*.role.ts) starts and exposes to the bench process. */
export interface RoleHandle {
  /** The port it listens on (loopback), when it serves HTTP. */
  port?: number;
  /** In-process measurements the bench process may ask for (`BenchChild.call`). */
  commands?: Record<string, (args: never) => Promise<unknown>>;
  /** Releases what it holds (servers, connections, Redis keys) before the child exits. */
  close?: () => Promise<void>;
}

export type Role<Config = Record<string, unknown>> = (config: Config) => Promise<RoleHandle>;
