import { INestApplication } from '@nestjs/common';
import { PLATFORMS, emulatorConfig, startDemoApp } from '@test/utils/demo-harness';
import { PerformChatEmulator, startPerformChatEmulator } from 'nestjs-performchat/emulator';
import request from 'supertest';

type Operation = {
  tags: string[];
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: { required: boolean; content: { 'application/json': { schema: Record<string, unknown> } } };
  responses: Record<
    string,
    { headers?: Record<string, unknown>; content?: { 'application/json': { schema: ErrorSchema } } }
  >;
};
type ErrorSchema = { required: string[]; properties: { code: { enum: string[] }; statusCode: { enum: number[] } } };

const ERROR_STATUSES = ['400', '401', '403', '429', '502', '503'];

describe.each(PLATFORMS)('the demo app serves its OpenAPI document, token routes documented, on %s', (platform) => {
  let emulator: PerformChatEmulator;
  let app: INestApplication;
  let document: {
    paths: Record<string, Record<string, Operation>>;
    components?: { schemas?: Record<string, unknown> };
  };

  beforeAll(async () => {
    emulator = await startPerformChatEmulator();
    app = await startDemoApp(platform, emulatorConfig(emulator));
    const response = await request(app.getHttpServer()).get('/api/docs/openapi.json').expect(200);
    document = response.body;
  });
  afterAll(async () => {
    await app.close();
    await emulator.close();
  });

  const operation = (path: string, method: string) => document.paths[path][method];

  it('lists the three token routes under the PerformChat tag, and no DTO class among the schemas', () => {
    expect(Object.keys(document.paths['/api/chat/token']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(document.paths['/api/chat/token/revoke'])).toEqual(['post']);
    for (const [path, method] of [
      ['/api/chat/token', 'get'],
      ['/api/chat/token', 'post'],
      ['/api/chat/token/revoke', 'post'],
    ]) {
      expect(operation(path, method).tags).toEqual(['PerformChat']);
    }
    // The routes' schemas are plain: none of the library's DTO classes (the demo's own may be there).
    expect(Object.keys(document.components?.schemas ?? {}).filter((name) => /Token|Revoke/.test(name))).toEqual([]);
  });

  it('documents the GET query parameters with their formats (expiresIn: <n>s|m|h|d)', () => {
    const parameters = operation('/api/chat/token', 'get').parameters ?? [];
    expect(parameters.map((p) => [p.name, p.in, p.required])).toEqual([
      ['agentId', 'query', false],
      ['expiresIn', 'query', false],
    ]);
    const expiresIn = parameters[1].schema;
    expect(expiresIn).toMatchObject({ type: 'string', pattern: '^[1-9][0-9]{0,9}[smhd]$', example: '15m' });
    const pattern = new RegExp(expiresIn.pattern as string);
    expect(['30s', '15m', '1h', '7d'].every((value) => pattern.test(value))).toBe(true);
    expect(['1.5h', '15', '0m', '1w', ' 1h'].some((value) => pattern.test(value))).toBe(false);
    expect(parameters[0].schema).toMatchObject({ type: 'string', minLength: 1, maxLength: 256 });
  });

  it('documents the POST bodies: the token options, and {} for revoke, nothing else allowed', () => {
    const body = operation('/api/chat/token', 'post').requestBody!;
    expect(body.required).toBe(true);
    expect(body.content['application/json'].schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: { agentId: { type: 'string' }, expiresIn: { pattern: '^[1-9][0-9]{0,9}[smhd]$' } },
    });
    expect(operation('/api/chat/token/revoke', 'post').requestBody!.content['application/json'].schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: {},
    });
  });

  it('documents the 200 answers and their headers', () => {
    const ok = operation('/api/chat/token', 'get').responses['200'];
    expect(ok.content!['application/json'].schema).toMatchObject({
      required: ['token', 'expiresAt', 'expiresIn', 'agent'],
      properties: { expiresAt: { type: 'string', format: 'date-time' }, expiresIn: { type: 'integer' } },
    });
    expect(Object.keys(ok.headers ?? {})).toEqual([
      'X-RateLimit-Limit',
      'X-RateLimit-Remaining',
      'X-RateLimit-Reset',
      'Cache-Control',
    ]);
    expect(
      operation('/api/chat/token/revoke', 'post').responses['200'].content!['application/json'].schema,
    ).toMatchObject({
      required: ['revoked'],
    });
  });

  it.each([
    ['/api/chat/token', 'get', ['200', ...ERROR_STATUSES]],
    ['/api/chat/token', 'post', ['200', '400', '401', '403', '415', '429', '502', '503']],
    ['/api/chat/token/revoke', 'post', ['200', '400', '401', '415', '429', '502', '503']],
  ])(
    '%s %s: every status the route sends, each error body with its code, Retry-After on 429 and 503',
    (path, method, statuses) => {
      const { responses } = operation(path, method);
      expect(Object.keys(responses).sort()).toEqual([...statuses].sort());
      for (const status of statuses.filter((s) => s !== '200')) {
        const schema = responses[status].content!['application/json'].schema;
        expect([status, schema.required]).toEqual([status, ['statusCode', 'message', 'error', 'code']]);
        expect(schema.properties.statusCode.enum).toEqual([Number(status)]);
        expect(schema.properties.code.enum.length).toBeGreaterThan(0);
        expect([status, Object.keys(responses[status].headers ?? {})]).toEqual([
          status,
          status === '429' || status === '503' ? ['Retry-After'] : [],
        ]);
      }
    },
  );

  it('documents the codes the route really sends (401 UNAUTHENTICATED, 415, 400, 429)', async () => {
    const codesOf = (status: string, path = '/api/chat/token', method = 'post') =>
      operation(path, method).responses[status].content!['application/json'].schema.properties.code.enum;
    const http = () => request(app.getHttpServer());
    expect(codesOf('401')).toContain((await http().get('/api/chat/token').expect(401)).body.code);
    expect(codesOf('415')).toContain(
      (
        await http()
          .post('/api/chat/token')
          .set('x-demo-user', 'doc')
          .set('content-type', 'text/plain')
          .send('x')
          .expect(415)
      ).body.code,
    );
    expect(codesOf('400')).toContain(
      (await http().post('/api/chat/token').set('x-demo-user', 'doc').send({ userId: 'x' }).expect(400)).body.code,
    );
    for (let i = 0; i < 10; i++) await http().get('/api/chat/token').set('x-demo-user', 'doc-limit').expect(200);
    expect(codesOf('429')).toContain(
      (await http().get('/api/chat/token').set('x-demo-user', 'doc-limit').expect(429)).body.code,
    );
  });
});
