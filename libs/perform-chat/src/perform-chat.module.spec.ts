import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { LoopbackServer, sendJson, startLoopbackServer, tokenBody } from '@test/utils';
import { PerformChatAuthService } from './auth/perform-chat-auth.service';
import { PerformChatModuleOptions } from './options/perform-chat-options.interface';
import { PERFORM_CHAT_OPTIONS } from './perform-chat.constants';
import { PerformChatModule } from './perform-chat.module';
import { PERFORM_CHAT_MODULE_OPTIONS } from './perform-chat.module-definition';

const SECRET = 'sk_module_spec_SECRET_4b1d';

describe('PerformChatModule', () => {
  let upstream: LoopbackServer;
  let options: PerformChatModuleOptions;

  beforeAll(async () => {
    upstream = await startLoopbackServer((_req, res, body) => {
      const { userId, agentId } = JSON.parse(body);
      sendJson(res, 200, tokenBody({ userId, agentId, exp: Math.floor(Date.now() / 1000) + 60 }));
    });
    options = { keyId: 'pk_module', keySecret: SECRET, baseUrl: upstream.url, defaultAgentId: 'agent_abc' };
  });
  afterAll(() => upstream.close());

  @Injectable()
  class OptionsFactory {
    createPerformChatOptions(): PerformChatModuleOptions {
      return options;
    }
  }
  @Module({ providers: [OptionsFactory], exports: [OptionsFactory] })
  class OptionsFactoryModule {}

  const CONFIG = Symbol('CONFIG');
  @Module({ providers: [{ provide: CONFIG, useFactory: () => options }], exports: [CONFIG] })
  class ConfigLikeModule {}

  const registrations: [string, () => ReturnType<typeof PerformChatModule.forRoot>][] = [
    ['forRoot', () => PerformChatModule.forRoot(options)],
    [
      'forRootAsync with useFactory + inject + imports',
      () =>
        PerformChatModule.forRootAsync({
          imports: [ConfigLikeModule],
          inject: [CONFIG],
          useFactory: (config: PerformChatModuleOptions) => config,
        }),
    ],
    [
      'forRootAsync with an async useFactory',
      () => PerformChatModule.forRootAsync({ useFactory: async () => options }),
    ],
    ['forRootAsync with useClass', () => PerformChatModule.forRootAsync({ useClass: OptionsFactory })],
    [
      'forRootAsync with useExisting',
      () => PerformChatModule.forRootAsync({ imports: [OptionsFactoryModule], useExisting: OptionsFactory }),
    ],
  ];

  describe.each(registrations)('%s', (_name, register) => {
    it('provides a working PerformChatAuthService', async () => {
      const moduleRef = await Test.createTestingModule({ imports: [register()] }).compile();
      const service = moduleRef.get(PerformChatAuthService);
      const token = await service.generateToken({ userId: 'user-7' });
      expect(token.customerUser.externalId).toBe('user-7');
      expect(moduleRef.get(PERFORM_CHAT_OPTIONS, { strict: false })).toMatchObject({
        keyId: 'pk_module',
        baseUrl: upstream.url,
        defaultExpiresIn: '1h',
        timeoutMs: 5000,
      });
      await moduleRef.close();
    });
  });

  describe.each([
    ['forRoot', (extras: object) => PerformChatModule.forRoot({ ...options, ...extras })],
    ['forRootAsync', (extras: object) => PerformChatModule.forRootAsync({ useFactory: () => options, ...extras })],
  ])('extras through %s', (_name, register) => {
    it.each([true, false])('isGlobal: %s decides whether other modules can inject the service', async (isGlobal) => {
      @Injectable()
      class Consumer {
        constructor(readonly auth: PerformChatAuthService) {}
      }
      @Module({ providers: [Consumer] })
      class FeatureModule {}

      const compile = Test.createTestingModule({
        imports: [register({ isGlobal }), FeatureModule],
      }).compile();
      if (isGlobal) {
        const moduleRef = await compile;
        expect(moduleRef.get(Consumer).auth).toBeInstanceOf(PerformChatAuthService);
        await moduleRef.close();
      } else {
        await expect(compile).rejects.toThrow(/PerformChatAuthService/);
      }
    });

    it('keeps extras out of the options object', async () => {
      const moduleRef = await Test.createTestingModule({
        imports: [register({ isGlobal: true, controller: false })],
      }).compile();
      const raw = moduleRef.get(PERFORM_CHAT_MODULE_OPTIONS, { strict: false });
      expect(raw).not.toHaveProperty('isGlobal');
      expect(raw).not.toHaveProperty('controller');
      await moduleRef.close();
    });

    it('sets global and registers no controller with controller: false', () => {
      const definition = register({ isGlobal: true, controller: false });
      expect(definition.global).toBe(true);
      expect(definition.controllers ?? []).toHaveLength(0);
    });
  });

  describe('invalid options fail the boot with every bad field named, never the secret', () => {
    const valid: PerformChatModuleOptions = { keyId: 'pk_x', keySecret: SECRET };

    it.each<[string, Partial<Record<keyof PerformChatModuleOptions, unknown>>, RegExp[]]>([
      ['missing keyId', { keyId: undefined }, [/keyId/]],
      ['empty keySecret', { keySecret: '' }, [/keySecret/]],
      [
        'keySecret with a trailing newline',
        { keySecret: `${SECRET}\n` },
        [/keySecret must not start or end with whitespace/],
      ],
      ['keyId not a string', { keyId: 42 }, [/keyId/]],
      [
        'baseUrl without a scheme',
        { baseUrl: 'api.performchat.com' },
        [/baseUrl \(env PERFORMCHAT_BASE_URL\) is not a valid URL: write it as an http\(s\) URL/],
      ],
      ['baseUrl with another scheme', { baseUrl: 'ftp://api.performchat.com' }, [/baseUrl/]],
      ['zero timeout', { timeoutMs: 0 }, [/timeoutMs/]],
      ['negative timeout', { timeoutMs: -1 }, [/timeoutMs/]],
      ['fractional timeout', { timeoutMs: 1.5 }, [/timeoutMs/]],
      ['NaN timeout', { timeoutMs: Number.NaN }, [/timeoutMs/]],
      ['bad defaultExpiresIn', { defaultExpiresIn: '1.5h' }, [/defaultExpiresIn must be a positive whole number/]],
      ['bad maxExpiresIn', { maxExpiresIn: '2w' }, [/maxExpiresIn must be a positive whole number/]],
      [
        'default above max',
        { defaultExpiresIn: '2h', maxExpiresIn: '1h' },
        [/defaultExpiresIn \("2h"\) must not be longer than maxExpiresIn/],
      ],
      [
        'defaultAgentId not allowed',
        { defaultAgentId: 'a', allowedAgentIds: ['b'] },
        [/defaultAgentId must be one of allowedAgentIds/],
      ],
      ['empty allowedAgentIds', { allowedAgentIds: [] }, [/allowedAgentIds/]],
      [
        'several at once',
        { keyId: '', keySecret: undefined, baseUrl: 'nope', timeoutMs: 0, defaultExpiresIn: 'x' },
        [/keyId/, /keySecret/, /baseUrl/, /timeoutMs/, /defaultExpiresIn/],
      ],
    ])('%s', async (_name, override, expected) => {
      expect.assertions(expected.length + 2);
      try {
        const moduleRef = await Test.createTestingModule({
          imports: [PerformChatModule.forRoot({ ...valid, ...override } as PerformChatModuleOptions)],
        }).compile();
        await moduleRef.close();
      } catch (error) {
        const message = (error as Error).message;
        expect(message).toMatch(/^Invalid PerformChatModule options: /);
        for (const pattern of expected) expect(message).toMatch(pattern);
        expect(message).not.toContain(SECRET);
      }
    });

    it('accepts http://localhost and an IP with a port, and strips a trailing slash', async () => {
      for (const baseUrl of ['http://localhost:4010/', 'http://127.0.0.1:4010', 'https://api.perform.chat']) {
        const moduleRef = await Test.createTestingModule({
          imports: [PerformChatModule.forRoot({ ...valid, baseUrl })],
        }).compile();
        expect(moduleRef.get(PERFORM_CHAT_OPTIONS, { strict: false }).baseUrl).toBe(baseUrl.replace(/\/$/, ''));
        await moduleRef.close();
      }
    });
  });
});
