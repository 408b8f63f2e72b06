import * as http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A loopback HTTP proxy in front of a server (the emulator) that can hold the answers of one
 * path after the server produced them: a call whose answer is in flight, made and signed
 * upstream, while the test does something else (a revocation) before releasing it.
 */
export interface HoldingProxy {
  url: string;
  /** Holds every answer of `path` from now on, until `release()`. */
  hold(path: string): void;
  /** Sends the held answers (and stops holding). */
  release(): void;
  /** Answers held right now. */
  readonly held: number;
  close(): Promise<void>;
}

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const agent = new http.Agent({ keepAlive: true });
  let holding: string | undefined;
  let waiting: (() => void)[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const upstream = http.request(
        `${target}${req.url}`,
        { method: req.method, headers: req.headers, agent },
        (answer) => {
          const body: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => body.push(chunk));
          answer.on('end', () => {
            const send = () => {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              res.end(Buffer.concat(body));
            };
            if (holding !== undefined && req.url?.split('?')[0] === holding) waiting.push(send);
            else send();
          });
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hold: (path) => {
      holding = path;
    },
    release: () => {
      holding = undefined;
      const sends = waiting;
      waiting = [];
      sends.forEach((send) => send());
    },
    get held() {
      return waiting.length;
    },
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
