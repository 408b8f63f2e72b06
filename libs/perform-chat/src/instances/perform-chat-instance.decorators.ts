import { Inject } from '@nestjs/common';
import {
  getPerformChatHealthIndicatorToken,
  getPerformChatRedisHealthIndicatorToken,
  getPerformChatToken,
} from './perform-chat-instance.tokens';

/**
 * Injects the `PerformChatAuthService` of the instance `name` (as `@InjectRepository` does with
 * a named TypeORM connection): `constructor(@InjectPerformChat('eu') private readonly eu: PerformChatAuthService)`.
 * Without a name, the default instance's (the same as injecting `PerformChatAuthService`).
 */
export const InjectPerformChat = (name?: string): PropertyDecorator & ParameterDecorator =>
  Inject(getPerformChatToken(name));

/** Injects the `PerformChatHealthIndicator` of the instance `name` (the default one's without a name). */
export const InjectPerformChatHealthIndicator = (name?: string): PropertyDecorator & ParameterDecorator =>
  Inject(getPerformChatHealthIndicatorToken(name));

/** Injects the `PerformChatRedisHealthIndicator` of the instance `name` (the default one's without a name). */
export const InjectPerformChatRedisHealthIndicator = (name?: string): PropertyDecorator & ParameterDecorator =>
  Inject(getPerformChatRedisHealthIndicatorToken(name));
