import { CanActivate, ExecutionContext, INestApplication, Injectable, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { AddressInfo } from 'node:net';
import {
  PerformChatModule,
  PerformChatModuleOptions,
  PerformChatRateLimit,
  PerformChatRateLimitGuard,
} from 'nestjs-performchat';
import type { TestPlatform } from './rate-limit-app';

/** The part of a socket.io `Socket` the guard below reads. */
interface HandshakeSocket {
  handshake: { auth: Record<string, unknown> };
  data: Record<string, unknown>;
}

/** The app's WebSocket authentication stand-in: the handshake's `auth.user` → `client.data.user` (test only). */
@Injectable()
export class WsHandshakeAuthGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const client = context.switchToWs().getClient<HandshakeSocket>();
    const user: unknown = client.handshake.auth.user;
    if (typeof user === 'string') client.data.user = { id: user };
    return true;
  }
}

/** A chat gateway limited per user: authentication first, then the limit. */
@WebSocketGateway()
@UseGuards(WsHandshakeAuthGuard, PerformChatRateLimitGuard)
export class ChatGateway {
  @SubscribeMessage('send')
  @PerformChatRateLimit({ points: 3, duration: '1m' })
  send(): string {
    return 'sent';
  }
}

export interface RunningSocketApp {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** socket.io on the app's own HTTP server (Express or Fastify). */
export async function startSocketApp(
  platform: TestPlatform,
  module: Partial<PerformChatModuleOptions> = {},
): Promise<RunningSocketApp> {
  @Module({
    imports: [
      PerformChatModule.forRoot({
        keyId: 'pk_ws',
        keySecret: 'sk_ws',
        baseUrl: 'http://127.0.0.1:9',
        controller: false,
        ...module,
      }),
    ],
    providers: [ChatGateway],
  })
  class SocketTestModule {}

  let app: INestApplication;
  if (platform === 'fastify') {
    const { FastifyAdapter } = await import('@nestjs/platform-fastify');
    app = await NestFactory.create(SocketTestModule, new FastifyAdapter(), { logger: false });
  } else {
    app = await NestFactory.create(SocketTestModule, { logger: false });
  }
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
