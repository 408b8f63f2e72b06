import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Test, TestingModule } from '@nestjs/testing';
import { CapturedLogs, LoopbackServer, captureLogs, sendJson, startLoopbackServer, tokenBody } from '@test/utils';
import { PerformChatAuthService } from './auth/perform-chat-auth.service';
import { PerformChatHealthIndicator } from './health/perform-chat-health.indicator';
import { LIBRARY_USER_AGENT, LIBRARY_VERSION } from './perform-chat.constants';
import { PerformChatModule } from './perform-chat.module';

const ROOT = join(__dirname, '..', '..', '..');
const pkg = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};

describe('the library version and user agent', () => {
  it('is the version of libs/perform-chat/package.json (run node scripts/write-version.js after a version bump)', () => {
    expect(LIBRARY_VERSION).toBe(pkg.version);
    expect(LIBRARY_USER_AGENT).toBe(`${pkg.name}/${pkg.version}`);
  });

  it('is what scripts/write-version.js (run by npm run build:lib) writes: its --check passes', () => {
    expect(() =>
      execFileSync(process.execPath, [join(ROOT, 'scripts', 'write-version.js'), '--check'], { stdio: 'pipe' }),
    ).not.toThrow();
  });

  describe('is sent to PerformChat', () => {
    let upstream: LoopbackServer;
    let logs: CapturedLogs;
    let ref: TestingModule;

    beforeAll(async () => {
      upstream = await startLoopbackServer((req, res, body) =>
        req.method === 'POST'
          ? sendJson(res, 200, tokenBody({ userId: JSON.parse(body).userId }))
          : sendJson(res, 405, {}),
      );
      logs = captureLogs();
      ref = await Test.createTestingModule({
        imports: [
          PerformChatModule.forRoot({
            keyId: 'pk_ua',
            keySecret: 'sk_ua_S3CR3T',
            baseUrl: upstream.url,
            defaultAgentId: 'agent_abc',
          }),
        ],
      }).compile();
    });
    afterAll(async () => {
      await ref.close();
      logs.restore();
      await upstream.close();
    });

    it('with every token call and every health probe', async () => {
      await ref.get(PerformChatAuthService).generateToken({ userId: 'u' });
      await ref.get(PerformChatHealthIndicator).isHealthy();
      expect(upstream.requests.map(({ method, headers }) => [method, headers['user-agent']])).toEqual([
        ['POST', `nestjs-performchat/${pkg.version}`],
        ['HEAD', `nestjs-performchat/${pkg.version}`],
      ]);
    });
  });
});
