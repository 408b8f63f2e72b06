import * as http from 'node:http';
import type { StormUser } from './storm-workload';

/** One page load (or revocation) as the browser saw it. */
export interface StormRequest {
  user: string;
  kind: 'token' | 'revoke';
  startedAt: number;
  endedAt: number;
  status: number;
  token?: string;
  code?: string;
  /** `Retry-After` of a refusal, seconds. */
  retryAfter?: number;
  /** Requests sent for it: a 503 is retried after its Retry-After, as a widget would. */
  tries: number;
}

export interface StormRevocation {
  user: string;
  startedAt: number;
  endedAt: number;
}

export interface StormRun {
  requests: StormRequest[];
  revocations: StormRevocation[];
  startedAt: number;
  endedAt: number;
}

export interface StormDriverOptions {
  /** The app instances; requests go to them in turn (no stickiness: tabs land anywhere). */
  urls: string[];
  /** Retries of a page load refused with 503 and Retry-After. @default 2 */
  retries?: number;
  /** Milliseconds per second of Retry-After (time is scaled in the storm). @default 1000 */
  retryAfterScaleMs?: number;
}

const sleepUntil = (at: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));

interface Answer {
  status: number;
  body: Record<string, unknown>;
  retryAfter?: number;
}

function send(agent: http.Agent, url: string, method: 'GET' | 'POST', user: string): Promise<Answer> {
  return new Promise((resolve) => {
    const request = http.request(
      url,
      {
        method,
        agent,
        headers: { 'x-demo-user': user, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          let body: Record<string, unknown> = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
          } catch {
            // Not JSON: kept empty.
          }
          const retryAfter = response.headers['retry-after'];
          resolve({
            status: response.statusCode ?? 0,
            body,
            ...(retryAfter ? { retryAfter: Number(retryAfter) } : {}),
          });
        });
      },
    );
    request.on('error', () => resolve({ status: 0, body: {} }));
    request.end(method === 'POST' ? '{}' : undefined);
  });
}

/**
 * Plays a workload against the app instances: every user's page loads at their times (tabs at
 * once), its revocation after the load it revokes after, each request to the next instance.
 */
export async function runStorm(users: StormUser[], options: StormDriverOptions): Promise<StormRun> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const retries = options.retries ?? 2;
  const scale = options.retryAfterScaleMs ?? 1000;
  let next = 0;
  const pick = () => options.urls[next++ % options.urls.length];
  const requests: StormRequest[] = [];
  const revocations: StormRevocation[] = [];
  const startedAt = Date.now();

  const pageLoad = async (user: string): Promise<void> => {
    const record: StormRequest = { user, kind: 'token', startedAt: Date.now(), endedAt: 0, status: 0, tries: 0 };
    for (;;) {
      record.tries++;
      const answer = await send(agent, `${pick()}/api/chat/token`, 'GET', user);
      record.status = answer.status;
      record.code = typeof answer.body.code === 'string' ? answer.body.code : undefined;
      record.retryAfter = answer.retryAfter;
      if (answer.status === 200) record.token = answer.body.token as string;
      if (answer.status !== 503 || record.tries > retries || answer.retryAfter === undefined) break;
      await new Promise((resolve) => setTimeout(resolve, answer.retryAfter! * scale));
    }
    record.endedAt = Date.now();
    requests.push(record);
  };

  await Promise.all(
    users.map(async (user) => {
      for (const [index, load] of user.loads.entries()) {
        await sleepUntil(startedAt + load.atMs);
        await Promise.all(Array.from({ length: load.tabs }, () => pageLoad(user.id)));
        if (index === user.revokeAfter) {
          const revocation: StormRevocation = { user: user.id, startedAt: Date.now(), endedAt: 0 };
          const answer = await send(agent, `${pick()}/api/chat/token/revoke`, 'POST', user.id);
          revocation.endedAt = Date.now();
          if (answer.status === 200) revocations.push(revocation);
          requests.push({
            user: user.id,
            kind: 'revoke',
            startedAt: revocation.startedAt,
            endedAt: revocation.endedAt,
            status: answer.status,
            tries: 1,
          });
        }
      }
    }),
  );
  agent.destroy();
  return { requests, revocations, startedAt, endedAt: Date.now() };
}

/**
 * The served tokens the verdict is about: every token of a user that never revoked, and the
 * tokens of a user who did whose request began after its revocation had returned (those served
 * before it are meant to be invalid now; those concurrent with it are not judged).
 */
export function tokensToJudge(run: StormRun): string[] {
  const revokedAt = new Map(run.revocations.map((revocation) => [revocation.user, revocation]));
  const attempted = new Set(run.requests.filter((request) => request.kind === 'revoke').map((request) => request.user));
  return run.requests
    .filter((request) => request.kind === 'token' && request.token !== undefined)
    .filter((request) => {
      const revocation = revokedAt.get(request.user);
      if (!revocation) return !attempted.has(request.user);
      return request.startedAt > revocation.endedAt;
    })
    .map((request) => request.token as string);
}
