import { randomInt } from 'node:crypto';

const RANDOM_RANGE = 36 ** 6;
let sequence = 0;

/**
 * A cuid-like opaque id (`c` + base36 time + counter + randomness, 25 lowercase
 * characters), like the docs' sample `cm4abc123xyz`. Unique within a process.
 */
export function createCustomerUserId(): string {
  sequence = (sequence + 1) % 36 ** 4;
  return (
    'c' +
    Date.now().toString(36).padStart(8, '0') +
    sequence.toString(36).padStart(4, '0') +
    randomInt(RANDOM_RANGE).toString(36).padStart(6, '0') +
    randomInt(RANDOM_RANGE).toString(36).padStart(6, '0')
  );
}
