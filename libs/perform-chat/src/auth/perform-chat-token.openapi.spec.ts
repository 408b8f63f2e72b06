import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { PerformChatError } from '../errors/perform-chat.error';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';
import { toPerformChatHttpError } from '../errors/perform-chat-error.http';
import { PerformChatModule } from '../perform-chat.module';
import { REVOKE_ROUTE_ERRORS, TOKEN_ROUTE_ERRORS, TokenRouteErrorDoc } from './perform-chat-token.openapi';

/** The statuses a PerformChatError of `code` can be answered with (each variant the mapping tells apart). */
function statusesOf(code: PerformChatErrorCode): number[] {
  const variants = [
    new PerformChatError(code, 'x'),
    new PerformChatError(code, 'x', { field: 'defaultAgentId' }),
    new PerformChatError(code, 'x', { status: 429 }),
  ];
  return [...new Set(variants.map((error) => toPerformChatHttpError(error).status))].sort();
}

const isPerformChatCode = (code: string): code is PerformChatErrorCode => code in PerformChatErrorCode;

describe('the OpenAPI error table of the token routes', () => {
  it.each<[string, readonly TokenRouteErrorDoc[]]>([
    ['GET|POST /token', TOKEN_ROUTE_ERRORS],
    ['POST /token/revoke', REVOKE_ROUTE_ERRORS],
  ])(
    '%s: each PerformChatError code is documented under a status the error mapping really gives it',
    (_route, docs) => {
      for (const doc of docs) {
        for (const code of doc.codes.filter(isPerformChatCode)) {
          expect([code, statusesOf(code)]).toEqual([code, expect.arrayContaining([doc.status])]);
        }
      }
    },
  );

  it('documents every status each PerformChatError code of the token calls can get', () => {
    const documented = (docs: readonly TokenRouteErrorDoc[], code: string) =>
      docs
        .filter((doc) => doc.codes.includes(code))
        .map((doc) => doc.status)
        .sort();
    // What generateToken and invalidateUserTokens can throw (the other codes belong to other
    // resources; invalidation swallows an unknown customer user).
    const { INVALID_ARGUMENT, INVALID_EXPIRES_IN, AGENT_NOT_ALLOWED, AGENT_NOT_FOUND, STORE_UNAVAILABLE } =
      PerformChatErrorCode;
    const upstream = [
      PerformChatErrorCode.INVALID_CREDENTIALS,
      PerformChatErrorCode.UPSTREAM_BAD_REQUEST,
      PerformChatErrorCode.RATE_LIMITED,
      PerformChatErrorCode.UPSTREAM_ERROR,
      PerformChatErrorCode.TIMEOUT,
      PerformChatErrorCode.UNREACHABLE,
      PerformChatErrorCode.UPSTREAM_UNAVAILABLE,
      PerformChatErrorCode.INVALID_RESPONSE,
    ];
    for (const code of [INVALID_ARGUMENT, INVALID_EXPIRES_IN, AGENT_NOT_ALLOWED, AGENT_NOT_FOUND, ...upstream]) {
      expect([code, documented(TOKEN_ROUTE_ERRORS, code)]).toEqual([code, statusesOf(code)]);
    }
    for (const code of [...upstream, STORE_UNAVAILABLE]) {
      expect([code, documented(REVOKE_ROUTE_ERRORS, code)]).toEqual([code, statusesOf(code)]);
    }
  });
});

describe('the OpenAPI tag of the token routes', () => {
  async function documentOf(module: object) {
    @Module({ imports: [module as never] })
    class AppModule {}
    const app = await NestFactory.create(AppModule, { logger: false });
    await app.init();
    const document = SwaggerModule.createDocument(app, new DocumentBuilder().build());
    await app.close();
    return document;
  }
  const options = { keyId: 'pk', keySecret: 'sk', baseUrl: 'http://127.0.0.1:9' };

  it("is 'PerformChat' by default, and the controller extra's openApiTag when given", async () => {
    const byDefault = await documentOf(PerformChatModule.forRoot(options));
    expect(byDefault.paths['/chat/token'].get?.tags).toEqual(['PerformChat']);
    const tagged = await documentOf(
      PerformChatModule.forRoot({ ...options, controller: { path: 'me/chat', openApiTag: 'Chat tokens' } }),
    );
    expect(tagged.paths['/me/chat/token'].post?.tags).toEqual(['Chat tokens']);
    expect(tagged.paths['/me/chat/token/revoke'].post?.tags).toEqual(['Chat tokens']);
  });
});

describe('without @nestjs/swagger installed', () => {
  it('the token controller loads and serves, with no OpenAPI metadata', () => {
    jest.isolateModules(() => {
      jest.doMock('@nestjs/swagger', () => {
        throw Object.assign(new Error("Cannot find module '@nestjs/swagger'"), { code: 'MODULE_NOT_FOUND' });
      });
      type Controller = typeof import('./perform-chat-token.controller');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { createPerformChatTokenController } = require('./perform-chat-token.controller') as Controller;
      const controller = createPerformChatTokenController('chat', 'Ignored');
      const keys = (target: object) =>
        Reflect.getMetadataKeys(target).filter((key) => String(key).startsWith('swagger/'));
      expect(keys(controller)).toEqual([]);
      expect(keys(controller.prototype.getToken)).toEqual([]);
      expect(Reflect.getMetadata('path', controller)).toBe('chat');
      jest.dontMock('@nestjs/swagger');
    });
  });
});
