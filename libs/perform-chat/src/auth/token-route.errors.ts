import {
  BadRequestException,
  HttpStatus,
  MethodNotAllowedException,
  UnauthorizedException,
  UnsupportedMediaTypeException,
  ValidationError,
  ValidationPipe,
  ValidationPipeOptions,
} from '@nestjs/common';
import { PerformChatErrorCode } from '../errors/perform-chat-error-code';

/**
 * `code` of the answers the token routes give before PerformChat is called (the others are
 * {@link PerformChatErrorCode}s, and the guard's 429 is `USER_RATE_LIMITED`): every error body
 * of the module says `{ statusCode, message, error, code }`.
 */
export const PerformChatTokenRouteErrorCode = {
  /** 400: the input's shape (not an object, too deep or large, a wrong type, an unknown field, `userId`). */
  INVALID_ARGUMENT: PerformChatErrorCode.INVALID_ARGUMENT,
  /** 401: no logged-in user on the request. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** 405: HEAD. */
  METHOD_NOT_ALLOWED: 'METHOD_NOT_ALLOWED',
  /** 415: a POST that is not `application/json`. */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
} as const;

export type PerformChatTokenRouteErrorCode =
  (typeof PerformChatTokenRouteErrorCode)[keyof typeof PerformChatTokenRouteErrorCode];

/** The body Nest's own exceptions send (`statusCode`, `message`, `error`), with the `code`. */
const body = (statusCode: number, error: string, message: string | string[], code: PerformChatTokenRouteErrorCode) => ({
  statusCode,
  message,
  error,
  code,
});

export const invalidInput = (message: string | string[]) =>
  new BadRequestException(
    body(HttpStatus.BAD_REQUEST, 'Bad Request', message, PerformChatTokenRouteErrorCode.INVALID_ARGUMENT),
  );

export const unauthenticated = (message: string) =>
  new UnauthorizedException(
    body(HttpStatus.UNAUTHORIZED, 'Unauthorized', message, PerformChatTokenRouteErrorCode.UNAUTHENTICATED),
  );

export const methodNotAllowed = (message: string) =>
  new MethodNotAllowedException(
    body(
      HttpStatus.METHOD_NOT_ALLOWED,
      'Method Not Allowed',
      message,
      PerformChatTokenRouteErrorCode.METHOD_NOT_ALLOWED,
    ),
  );

export const unsupportedMediaType = (message: string) =>
  new UnsupportedMediaTypeException(
    body(
      HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      'Unsupported Media Type',
      message,
      PerformChatTokenRouteErrorCode.UNSUPPORTED_MEDIA_TYPE,
    ),
  );

/** Nest's `ValidationPipe` whose 400 carries `code: 'INVALID_ARGUMENT'` (same messages, flattened as Nest does). */
export class TokenInputValidationPipe extends ValidationPipe {
  constructor(options: ValidationPipeOptions) {
    super(options);
    this.exceptionFactory = (errors: ValidationError[]) => invalidInput(this.flattenValidationErrors(errors));
  }
}
