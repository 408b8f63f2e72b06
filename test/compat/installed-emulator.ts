import { Child, spawnNode } from './child-process';
import type { CompatApp, NodeRuntime } from './compat-harness';
import { HttpAnswer, http } from './http-request';

/** Counter key of token generation at the emulator (`EMULATOR_COUNTER_KEYS.token`). */
export const EMULATOR_TOKEN_ROUTE = 'POST /rest/v1/auth/token';

/** What the emulator process printed when it was ready. */
interface EmulatorInfo {
  url: string;
  port: number;
  keyId: string;
  keySecret: string;
  agentId: string;
}

/**
 * The emulator of the installed package in its own process, started through the public subpath
 * `nestjs-performchat/emulator` with `require` or `import`, driven over its `/__emulator/`
 * routes. `stop()` then `start()` brings it back on the same port, so an app that was refused
 * the connection meanwhile reaches it again at the same `baseUrl`.
 */
export class InstalledEmulator {
  private child?: Child;
  private info?: EmulatorInfo;

  constructor(
    private readonly app: CompatApp,
    private readonly runtime: NodeRuntime,
    private readonly loader: 'require' | 'import',
  ) {}

  get url(): string {
    return this.ready().url;
  }

  get keyId(): string {
    return this.ready().keyId;
  }

  get keySecret(): string {
    return this.ready().keySecret;
  }

  get agentId(): string {
    return this.ready().agentId;
  }

  /** Starts the process: on a random port the first time, on the same port afterwards. */
  async start(): Promise<this> {
    if (this.child) throw new Error('the emulator is already running');
    const port = this.info?.port ?? 0;
    const names = 'startPerformChatEmulator, EMULATOR_DEMO_KEY, EMULATOR_DEMO_AGENT_ID';
    const print =
      `startPerformChatEmulator({ port: ${port} }).then((e) => console.log('EMULATOR ' + JSON.stringify({ url: e.url, port: e.port, ` +
      'keyId: EMULATOR_DEMO_KEY.keyId, keySecret: EMULATOR_DEMO_KEY.keySecret, agentId: EMULATOR_DEMO_AGENT_ID })));';
    const code =
      this.loader === 'require'
        ? `const { ${names} } = require('nestjs-performchat/emulator'); ${print}`
        : `import { ${names} } from 'nestjs-performchat/emulator'; ${print}`;
    const args = this.loader === 'require' ? ['-e', code] : ['--input-type=module', '-e', code];
    const child = spawnNode(this.runtime, args, this.app.dir);
    this.child = child;
    const [, json] = await child.waitFor(/EMULATOR (\{.*\})\n/);
    this.info = JSON.parse(json) as EmulatorInfo;
    return this;
  }

  /** Ends the process (its listening socket and every connection with it). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    await child?.stop(2_000);
  }

  async addFault(spec: Record<string, unknown>): Promise<void> {
    const answer = await this.admin('POST', '/__emulator/faults', spec);
    if (answer.status !== 201)
      throw new Error(`the emulator refused the fault ${JSON.stringify(spec)}: ${answer.status} ${answer.text}`);
  }

  async clearFaults(): Promise<void> {
    await this.admin('DELETE', '/__emulator/faults');
  }

  /** Attempts the emulator counted on a route since it started (faulted ones included). */
  async attempts(route = EMULATOR_TOKEN_ROUTE): Promise<number> {
    const state = await this.admin('GET', '/__emulator/state');
    return (state.json?.counters?.[route]?.attempts as number | undefined) ?? 0;
  }

  async verify(token: string): Promise<{ valid: boolean; reason?: string }> {
    return (await this.admin('POST', '/__emulator/verify', { token })).json;
  }

  private admin(method: string, path: string, body?: unknown): Promise<HttpAnswer> {
    return http(method, `${this.url}${path}`, {
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  private ready(): EmulatorInfo {
    if (!this.info) throw new Error('the emulator has not been started');
    return this.info;
  }
}
