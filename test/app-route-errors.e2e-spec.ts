import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  Controller,
  ExceptionFilter,
  Get,
  HttpException,
  INestApplication,
  Module,
} from '@nestjs/common';
import { HttpAdapterHost, NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { CapturedLogs, captureLogs } from '@test/utils';
import { PerformChatAuthService, PerformChatModule } from 'nestjs-performchat';
import {
  EMULATOR_DEMO_AGENT_ID,
  EMULATOR_DEMO_KEY,
  EmulatorFaultSpec,
  PerformChatEmulator,
  startPerformChatEmulator,
} from 'nestjs-performchat/emulator';
import request from 'supertest';

const TOKEN_PATH = '/rest/v1/auth/token';
const JWT = /ey[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/;

/** The README's "use the service anywhere" shape: the app's own route, no @UseFilters. */
@Controller('own')
class OwnController {
  constructor(private readonly performChat: PerformChatAuthService) {}

  @Get('chat-token')
  async token(): Promise<{ token: string }> {
    const { token } = await this.performChat.generateToken({ userId: 'alice' });
    return { token };
  }

  @Get('chat-token-for-agent')
  async tokenForAgent(): Promise<{ token: string }> {
    const { token } = await this.performChat.generateToken({ userId: 'alice', agentId: 'agent_that_does_not_exist' });
    return { token };
  }

  @Get('app-error')
  appError(): never {
    throw new BadRequestException('the app said no');
  }

  @Get('app-crash')
  appCrash(): never {
    throw new Error('an app bug');
  }
}

/** An app's catch-all filter: it must still see PerformChat errors, with the honest status. */
@Catch()
class AppCatchAllFilter implements ExceptionFilter {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const cause = exception instanceof HttpException ? (exception.cause as { code?: string } | undefined) : undefined;
    this.adapterHost.httpAdapter.reply(
      host.switchToHttp().getResponse(),
      { appFilter: true, status, performChatCode: cause?.code },
      status,
    );
  }
}

type Platform = 'express' | 'fastify';

async function createApp(
  platform: Platform,
  emulator: PerformChatEmulator,
  options: { catchAll?: boolean; globalErrorInterceptor?: boolean } = {},
): Promise<INestApplication> {
  @Module({
    imports: [
      PerformChatModule.forRoot({
        keyId: EMULATOR_DEMO_KEY.keyId,
        keySecret: EMULATOR_DEMO_KEY.keySecret,
        baseUrl: emulator.url,
        defaultAgentId: EMULATOR_DEMO_AGENT_ID,
        timeoutMs: 200,
        deadlineMs: 1000,
        retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 2 },
        circuitBreaker: false,
        // Every row asks for alice, retries included: her share of the budget is the fairness spec's.
        upstreamBudget: { tokensPerUser: false },
        ...(options.globalErrorInterceptor === false ? { globalErrorInterceptor: false } : {}),
      }),
    ],
    controllers: [OwnController],
  })
  class AppModule {}

  const app =
    platform === 'fastify'
      ? await NestFactory.create<NestFastifyApplication>(AppModule, new FastifyAdapter(), { logger: false })
      : await NestFactory.create(AppModule, { logger: false });
  if (options.catchAll) app.useGlobalFilters(new AppCatchAllFilter(app.get(HttpAdapterHost)));
  await app.init();
  if (platform === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  return app;
}

interface Row {
  name: string;
  fault?: EmulatorFaultSpec;
  path?: string;
  status: number;
  code: string;
  retryAfter?: string;
}

const ROWS: Row[] = [
  { name: 'dropped connection', fault: { kind: 'drop' }, status: 503, code: 'UNREACHABLE', retryAfter: '5' },
  { name: 'latency past the deadline', fault: { delayMs: 1500 }, status: 503, code: 'TIMEOUT', retryAfter: '5' },
  { name: 'HTTP 500', fault: { status: 500 }, status: 503, code: 'UPSTREAM_ERROR', retryAfter: '5' },
  {
    name: 'HTTP 429 with Retry-After',
    fault: { status: 429, retryAfter: 7 },
    status: 429,
    code: 'RATE_LIMITED',
    retryAfter: '7',
  },
  { name: 'HTTP 401 (our key refused)', fault: { status: 401 }, status: 502, code: 'INVALID_CREDENTIALS' },
  { name: 'an HTML page', fault: { kind: 'html', status: 200 }, status: 502, code: 'INVALID_RESPONSE' },
  {
    name: 'an agent the caller chose that does not exist',
    path: '/own/chat-token-for-agent',
    status: 400,
    code: 'AGENT_NOT_FOUND',
  },
];

describe.each<Platform>(['express', 'fastify'])("a PerformChatError in the app's own route (%s)", (platform) => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;
  let logs: CapturedLogs;

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
    app = await createApp(platform, emulator);
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });
  beforeEach(() => {
    emulator.reset();
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it.each(ROWS.map((row) => [row.name, row] as const))(
    '%s → the same honest status as the token route',
    async (_name, row) => {
      if (row.fault) emulator.addFault({ path: TOKEN_PATH, times: -1, ...row.fault });
      const response = await request(app.getHttpServer()).get(row.path ?? '/own/chat-token');

      expect({ status: response.status, body: response.body, retryAfter: response.headers['retry-after'] }).toEqual({
        status: row.status,
        body: { statusCode: row.status, message: expect.any(String), error: expect.any(String), code: row.code },
        retryAfter: row.retryAfter,
      });
      expect(response.headers['cache-control']).toBe('no-store');
      const seen = JSON.stringify(response.body) + JSON.stringify(response.headers) + logs.text();
      expect(seen).not.toContain(EMULATOR_DEMO_KEY.keySecret);
      expect(seen).not.toMatch(JWT);
    },
  );

  it("leaves the app's own errors alone", async () => {
    await request(app.getHttpServer())
      .get('/own/app-error')
      .expect(400)
      .expect((res) => expect(res.body).toEqual({ statusCode: 400, message: 'the app said no', error: 'Bad Request' }));
    await request(app.getHttpServer()).get('/own/app-crash').expect(500);
  });

  it('still serves tokens when PerformChat is fine', async () => {
    const response = await request(app.getHttpServer()).get('/own/chat-token').expect(200);
    expect(emulator.verify(response.body.token)).toMatchObject({ valid: true });
  });

  it("an app's catch-all filter still decides the answer, and sees the honest status and the code", async () => {
    const filtered = await createApp(platform, emulator, { catchAll: true });
    try {
      emulator.addFault({ path: TOKEN_PATH, times: -1, kind: 'drop' });
      const response = await request(filtered.getHttpServer()).get('/own/chat-token').expect(503);
      expect(response.body).toEqual({ appFilter: true, status: 503, performChatCode: 'UNREACHABLE' });
      await request(filtered.getHttpServer())
        .get('/own/app-error')
        .expect(400)
        .expect((res) => expect(res.body).toEqual({ appFilter: true, status: 400 }));
    } finally {
      await filtered.close();
    }
  });

  it('globalErrorInterceptor: false registers nothing (the app handles PerformChatError itself)', async () => {
    const bare = await createApp(platform, emulator, { globalErrorInterceptor: false });
    try {
      emulator.addFault({ path: TOKEN_PATH, times: -1, kind: 'drop' });
      const response = await request(bare.getHttpServer()).get('/own/chat-token').expect(500);
      expect(JSON.stringify(response.body)).not.toContain(EMULATOR_DEMO_KEY.keySecret);
    } finally {
      await bare.close();
    }
  });
});
