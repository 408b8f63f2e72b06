import { PerformChatError } from '../../errors/perform-chat.error';
import { PerformChatErrorCode } from '../../errors/perform-chat-error-code';
import { Messages } from '../../perform-chat.messages';
import type { PerformChatResource } from '../perform-chat-resource.interfaces';
import { parseCustomerUserPage, parseUpdatedCustomerUser } from './rest-answers.parser';
import type {
  PerformChatCustomerUserChanges,
  PerformChatCustomerUserProfile,
  PerformChatCustomerUserQuery,
  PerformChatPage,
  PerformChatUpdatedCustomerUser,
} from './rest.interfaces';
import { isNotFound, pageQuery } from './rest-refusals';

const CUSTOMER_USERS_PATH = '/rest/v1/customer-users';

/**
 * `GET /rest/v1/customer-users?page&limit`, the filters in the JSON body (`name`, `email`,
 * `external_id`), as PerformChat documents them. Refusals: the generic mapping (the docs' list
 * of them is cut off).
 */
export const listCustomerUsersResource: PerformChatResource<
  PerformChatCustomerUserQuery,
  PerformChatPage<PerformChatCustomerUserProfile>
> = {
  operation: 'listCustomerUsers',
  method: 'GET',
  budget: ['api-request'],
  retry: 'safe',
  path: () => CUSTOMER_USERS_PATH,
  query: pageQuery,
  body: ({ name, email, externalId }) => ({
    ...(name !== undefined ? { name } : {}),
    ...(email !== undefined ? { email } : {}),
    ...(externalId !== undefined ? { external_id: externalId } : {}),
  }),
  read: (json) => parseCustomerUserPage(json),
};

export interface UpdateCustomerUserParams {
  customerUserId: string;
  changes: PerformChatCustomerUserChanges;
}

/**
 * `PUT /rest/v1/customer-users/:id` with `{ name?, email?, metadata? }`. Its 404 ("Customer user
 * not found or doesn't belong to company") is `CUSTOMER_USER_NOT_FOUND`, its 400 ("Invalid
 * request body") the caller's `INVALID_ARGUMENT`.
 *
 * Not retried after a timeout, a dropped connection or a 5xx (`retry: 'never'`): PerformChat may
 * have applied it, and a resend arriving after someone else's newer change would undo that one.
 * {@link updateCustomerUserRetryingResource} is the same operation for callers that say it is safe.
 */
export const updateCustomerUserResource: PerformChatResource<UpdateCustomerUserParams, PerformChatUpdatedCustomerUser> =
  {
    operation: 'updateCustomerUser',
    method: 'PUT',
    budget: ['api-request'],
    retry: 'never',
    path: ({ customerUserId }) => `${CUSTOMER_USERS_PATH}/${encodeURIComponent(customerUserId)}`,
    body: ({ changes: { name, email, metadata } }) => ({
      ...(name !== undefined ? { name } : {}),
      ...(email !== undefined ? { email } : {}),
      ...(metadata !== undefined ? { metadata } : {}),
    }),
    read: (json, { customerUserId }) => parseUpdatedCustomerUser(json, customerUserId),
    classifyRefusal: ({ status, upstreamMessage, retryAfterMs }, { customerUserId }) => {
      if (isNotFound(status, upstreamMessage, /customer.?user/i)) {
        return new PerformChatError(
          PerformChatErrorCode.CUSTOMER_USER_NOT_FOUND,
          Messages.customerUserNotFound(customerUserId, upstreamMessage),
          { status, upstreamMessage, retryAfterMs, field: 'customerUserId' },
        );
      }
      if (status === 400) {
        return new PerformChatError(
          PerformChatErrorCode.INVALID_ARGUMENT,
          Messages.restChangesRefused(customerUserId, upstreamMessage),
          { status, upstreamMessage, retryAfterMs, field: 'changes' },
        );
      }
      return undefined;
    },
  };

/** {@link updateCustomerUserResource}, retried like a read (`retry: 'safe'` on the call). */
export const updateCustomerUserRetryingResource: PerformChatResource<
  UpdateCustomerUserParams,
  PerformChatUpdatedCustomerUser
> = Object.freeze({ ...updateCustomerUserResource, retry: 'safe' });
