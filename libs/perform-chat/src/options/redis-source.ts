import type { Redis } from 'ioredis';

/** A Redis option's value: your ioredis client (never closed by the module) or a `redis://` URL (connected and closed by the module). */
export type PerformChatRedisSource = Redis | string;
