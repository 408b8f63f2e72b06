import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Messages } from '../perform-chat.messages';
import { methodNotAllowed } from './token-route.errors';

/**
 * Refuses HEAD with 405 and `Allow: GET, POST`, before the per-user limit is spent.
 *
 * Express answers HEAD with a route's GET handler, and Fastify adds a HEAD twin to every GET
 * route (`exposeHeadRoutes`, on by default): either way a HEAD to `GET /token` would run the
 * handler, ask PerformChat for a token that nobody can read, and spend one of the user's points
 * (link prefetchers and monitors send HEAD). Neither can be switched off per route from a
 * library, so the route refuses it itself.
 */
@Injectable()
export class NoHeadGuard implements CanActivate {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    if (http.getRequest<{ method: string }>().method !== 'HEAD') return true;
    this.adapterHost.httpAdapter.setHeader(http.getResponse(), 'Allow', 'GET, POST');
    throw methodNotAllowed(Messages.headNotAllowed());
  }
}
