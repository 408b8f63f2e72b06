import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BENCH_SIGNING_SECRET } from '../lib/bench.constants';
import type { Role } from '../lib/role';

/**
 * The limit for the emulator (B5): a node:http server that drains the body and signs an
 * HS256 JWT, nothing else (no body parsing, validation, state or customer users).
 */
export const signOnlyRole: Role = async () => {
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url');
  const server = createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      const iat = Math.floor(Date.now() / 1000);
      const payload = Buffer.from(JSON.stringify({ sub: 'user_bench', iat, exp: iat + 3600 })).toString('base64url');
      const input = header + '.' + payload;
      const body = JSON.stringify({
        token: input + '.' + createHmac('sha256', BENCH_SIGNING_SECRET).update(input).digest('base64url'),
      });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
