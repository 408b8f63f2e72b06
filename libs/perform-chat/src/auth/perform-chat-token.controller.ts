import {
  Body,
  CanActivate,
  Controller,
  Get,
  Header,
  HttpCode,
  Inject,
  Post,
  Query,
  Req,
  SetMetadata,
  Type,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { PerformChatExceptionFilter } from '../errors/perform-chat-exception.filter';
import { PERFORM_CHAT_REQUEST_SLICE, PerformChatRequestSlice } from '../options/perform-chat-options.slices';
import { Messages } from '../perform-chat.messages';
import { PlainObjectPipe } from './dto/plain-object.pipe';
import { TokenInputValidationPipe, unauthenticated } from './token-route.errors';
import { DEFAULT_OPENAPI_TAG, TokenRouteDocs, tagTokenController } from './perform-chat-token.openapi';
import { JsonBodyGuard } from './json-body.guard';
import { NoHeadGuard } from './no-head.guard';
import { PERFORM_CHAT_RATE_LIMIT_COUNTER_METADATA } from '../rate-limit/perform-chat-rate-limit.constants';
import { PerformChatRateLimitGuard } from '../rate-limit/perform-chat-rate-limit.guard';
import { RevokeRequestDto, TokenRequestDto } from './dto/token-request.dto';
import { PerformChatAuthService } from './perform-chat-auth.service';
import { readUserId } from '../options/resolve-user-id';
import { readSessionId } from '../options/resolve-session-id';

/** What the browser gets: enough for the widget, nothing internal (no customer-user, company or key ids). */
export interface PerformChatTokenResponse {
  token: string;
  /** ISO 8601. */
  expiresAt: string;
  /** Seconds until `expiresAt`. */
  expiresIn: number;
  agent: { id: string; name: string };
}

export interface PerformChatRevokeResponse {
  /** Customer users whose tokens were invalidated. */
  revoked: number;
}

/** GET and POST of the token route spend one per-user budget; revoke has its own. */
const TOKEN_COUNTER = 'PerformChatTokenController.token';

/** Strict validation of the token input whatever the app's global pipes are: unknown fields are refused. */
const TOKEN_INPUT_PIPES = [
  new PlainObjectPipe(),
  new TokenInputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    validationError: { target: false, value: false },
  }),
];

type RequestLike = { headers: Record<string, string | string[] | undefined> };

/**
 * The token routes for the logged-in user, under the path of the `controller` extra
 * (default `chat`): `GET|POST /chat/token` and `POST /chat/token/revoke`.
 * Your authentication guard runs first; the user id comes only from `resolveUserId(req)`.
 */
@UseFilters(PerformChatExceptionFilter)
export class PerformChatTokenController {
  constructor(
    private readonly auth: PerformChatAuthService,
    @Inject(PERFORM_CHAT_REQUEST_SLICE) private readonly options: PerformChatRequestSlice,
  ) {}

  /**
   * The docs' widget and React snippets call `fetch('/api/chat/token')`: a GET. Another site can
   * make the browser send it (an `<img>`), which spends one of the user's points and issues a
   * token that site cannot read (no CORS); HEAD is refused ({@link NoHeadGuard}).
   */
  @Get('token')
  @TokenRouteDocs('get')
  @SetMetadata(PERFORM_CHAT_RATE_LIMIT_COUNTER_METADATA, TOKEN_COUNTER)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  getToken(
    @Req() request: RequestLike,
    @Query(...TOKEN_INPUT_PIPES) query: TokenRequestDto,
  ): Promise<PerformChatTokenResponse> {
    return this.issue(request, query);
  }

  /** The docs' Express example registers a POST. */
  @Post('token')
  @TokenRouteDocs('post')
  @SetMetadata(PERFORM_CHAT_RATE_LIMIT_COUNTER_METADATA, TOKEN_COUNTER)
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  postToken(
    @Req() request: RequestLike,
    @Body(...TOKEN_INPUT_PIPES) body: TokenRequestDto,
  ): Promise<PerformChatTokenResponse> {
    return this.issue(request, body);
  }

  /** Logout everywhere: invalidates every token of the current user. */
  @Post('token/revoke')
  @TokenRouteDocs('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async revoke(
    @Req() request: RequestLike,
    @Body(...TOKEN_INPUT_PIPES) _input: RevokeRequestDto,
  ): Promise<PerformChatRevokeResponse> {
    const invalidations = await this.auth.invalidateUserTokens(this.requireUser(request));
    return { revoked: invalidations.length };
  }

  private async issue(request: RequestLike, input: TokenRequestDto): Promise<PerformChatTokenResponse> {
    const userId = this.requireUser(request);
    // Reuse scoped to the login session: a request without one gets a fresh token, never another session's.
    const { resolveSessionId } = this.options.tokenReuse;
    const sessionId = resolveSessionId ? readSessionId(request, resolveSessionId) : undefined;
    const token = await this.auth.generateToken({
      userId,
      agentId: input.agentId,
      expiresIn: input.expiresIn,
      ...(input.fresh !== undefined ? { fresh: true } : {}),
      ...(sessionId !== undefined ? { sessionId } : {}),
      ...(resolveSessionId && sessionId === undefined ? { reuse: false } : {}),
    });
    return {
      token: token.token,
      expiresAt: token.expiresAt.toISOString(),
      expiresIn: token.expiresInSeconds,
      agent: { id: token.agent.id, name: token.agent.name },
    };
  }

  private requireUser(request: RequestLike): string {
    const userId = readUserId(request, this.options.resolveUserId);
    if (userId === undefined) throw unauthenticated(Messages.noUser());
    return userId;
  }
}

/**
/**
 * The token controller served under `path` behind `guards` (the `controller` extra), under the
 * OpenAPI tag `openApiTag` when the app has @nestjs/swagger. A class of its own per instance, so
 * each instance's routes resolve that instance's service.
 *
 * Guard order: HEAD and non-JSON POSTs (what a cross-site form can send) are refused first, so
 * they spend nothing; then your `guards` (authentication, after the app's global guards); then
 * the per-user limit, keyed by the user they authenticated. Class-level guards run before
 * method-level ones, hence all of them here.
 */
export function createPerformChatTokenController(
  path: string,
  openApiTag = DEFAULT_OPENAPI_TAG,
  guards: (Type<CanActivate> | CanActivate)[] = [],
): Type<PerformChatTokenController> {
  @Controller(path)
  @UseGuards(NoHeadGuard, JsonBodyGuard, ...guards, PerformChatRateLimitGuard)
  class PerformChatTokenRoutes extends PerformChatTokenController {}
  tagTokenController(PerformChatTokenRoutes, openApiTag);
  return PerformChatTokenRoutes;
}
