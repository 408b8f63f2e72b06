import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Post,
  Req,
  Res,
  UnauthorizedException,
  UseFilters,
  UseGuards,
  ValidationPipe,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { PerformChatAuthService, PerformChatExceptionFilter } from 'nestjs-performchat';
import { DemoMessages } from '../demo.messages';
import { readDemoPageConfig, type DemoPageConfig } from '../web/demo-page.config';
import { clearedSessionCookie, sessionCookie } from './demo-cookies';
import { DemoLoginDto, DemoLogoutDto } from './demo-login.dto';
import { DEMO_SESSION_TTL_MS, DemoSessionStore } from './demo-session.store';
import { SameSiteJsonGuard } from './same-site-json.guard';

type DemoRequest = { user?: { id: string; sessionId?: string } };

const STRICT = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  validationError: { target: false, value: false },
});

/**
 * STAND-IN FOR YOUR APP'S LOGIN: the demo page's session (a cookie), under `/api/demo`.
 * `GET session` also tells the page where the chat is and its timings.
 */
@Controller('demo')
@UseGuards(SameSiteJsonGuard)
// PerformChat failures of the logout (PerformChat down, ...) answer like the token routes: 503 + Retry-After.
@UseFilters(PerformChatExceptionFilter)
export class DemoSessionController {
  private readonly page: DemoPageConfig;

  constructor(
    private readonly sessions: DemoSessionStore,
    private readonly performChat: PerformChatAuthService,
    private readonly adapterHost: HttpAdapterHost,
    config: ConfigService,
  ) {
    this.page = readDemoPageConfig({
      DEMO_CHAT_URL: config.get('DEMO_CHAT_URL'),
      PERFORMCHAT_BASE_URL: config.get('PERFORMCHAT_BASE_URL'),
      ...Object.fromEntries(
        [
          'DEMO_REFRESH_AHEAD_SECONDS',
          'DEMO_RETRY_BASE_MS',
          'DEMO_RETRY_MAX_MS',
          'DEMO_RECONNECT_DELAY_MS',
          'DEMO_RECONNECT_DELAY_MAX_MS',
        ].map((k) => [k, config.get(k)]),
      ),
    });
  }

  @Get('session')
  @Header('Cache-Control', 'no-store')
  session(@Req() request: DemoRequest): { user: { id: string } | null; chat: DemoPageConfig } {
    return { user: request.user ? { id: request.user.id } : null, chat: this.page };
  }

  @Post('login')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  login(@Body(STRICT) body: DemoLoginDto, @Res({ passthrough: true }) response: unknown): { user: { id: string } } {
    const id = this.sessions.create(body.username);
    this.adapterHost.httpAdapter.setHeader(response, 'Set-Cookie', sessionCookie(id, DEMO_SESSION_TTL_MS / 1000));
    return { user: { id: body.username } };
  }

  /**
   * Ends this session. With `{ everywhere: true }` ("log out everywhere"): ends every session of
   * the user, **then** invalidates all of the user's PerformChat tokens, in that order, so that
   * another window whose socket PerformChat closes cannot get a fresh token any more. This is
   * where your app's own logout calls `invalidateUserTokens`.
   */
  @Post('logout')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async logout(
    @Req() request: DemoRequest,
    @Body(STRICT) body: DemoLogoutDto,
    @Res({ passthrough: true }) response: unknown,
  ): Promise<{ sessionsEnded: number; revoked?: number }> {
    const user = request.user;
    if (user === undefined) throw new UnauthorizedException(DemoMessages.notLoggedIn);
    this.adapterHost.httpAdapter.setHeader(response, 'Set-Cookie', clearedSessionCookie());
    if (!body.everywhere)
      return { sessionsEnded: user.sessionId !== undefined && this.sessions.delete(user.sessionId) ? 1 : 0 };
    const sessionsEnded = this.sessions.deleteUser(user.id);
    const invalidations = await this.performChat.invalidateUserTokens(user.id);
    return { sessionsEnded, revoked: invalidations.length };
  }
}
