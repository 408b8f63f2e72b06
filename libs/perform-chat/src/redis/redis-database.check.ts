import type { Redis } from 'ioredis';

/** Why a connection cannot use the database its URL names. */
export type RedisDatabaseProblem = { kind: 'missing'; databases?: number } | { kind: 'refused'; reason: string };

/** A Redis error reply (`ERR ...`), as opposed to a connection that dropped: by shape, not class. */
function isReplyError(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}

/** `CONFIG GET databases`, when the server allows it (managed services often do not). */
async function databaseCount(client: Redis): Promise<number | undefined> {
  try {
    const reply = (await client.config('GET', 'databases')) as unknown;
    const count = Array.isArray(reply) ? Number(reply[1]) : Number.NaN;
    return Number.isInteger(count) && count > 0 ? count : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks on a ready connection that database `db` can be selected. ioredis sends `SELECT` when
 * it connects but only emits the refusal as an `error` event and goes on in database 0, so
 * every write would land in the wrong database: this asks again and reads the answer. A
 * connection that drops meanwhile is not a verdict (`undefined`, like success).
 */
export async function checkRedisDatabase(client: Redis, db: number): Promise<RedisDatabaseProblem | undefined> {
  try {
    await client.select(db);
    return undefined;
  } catch (error) {
    if (!isReplyError(error)) return undefined;
    if (/out of range|invalid db/i.test(error.message))
      return { kind: 'missing', databases: await databaseCount(client) };
    return { kind: 'refused', reason: error.message };
  }
}
