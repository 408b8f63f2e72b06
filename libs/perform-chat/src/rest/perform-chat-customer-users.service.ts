import { Injectable } from '@nestjs/common';
import { PerformChatHttpClient } from '../client/perform-chat.client';
import {
  listCustomerUsersResource,
  updateCustomerUserResource,
  updateCustomerUserRetryingResource,
} from '../client/resources/customer-users.resources';
import type {
  PerformChatCustomerUserChanges,
  PerformChatCustomerUserFilter,
  PerformChatCustomerUserProfile,
  PerformChatCustomerUserQuery,
  PerformChatPage,
  PerformChatUpdatedCustomerUser,
} from '../client/resources/rest.interfaces';
import { assertIdentifier } from '../options/identifier';
import { paginate } from './paginate';
import {
  MAX_PAGE_LIMIT,
  checkChanges,
  checkLimit,
  checkObject,
  checkPage,
  checkRetryMode,
  checkText,
} from './rest-input';
import type { PerformChatIterateOptions, PerformChatUpdateOptions } from './rest.interfaces';

const FILTERS = ['name', 'email', 'externalId'] as const;

function checkFilter(raw: Partial<PerformChatCustomerUserFilter>): PerformChatCustomerUserFilter {
  const filter: PerformChatCustomerUserFilter = {};
  for (const field of FILTERS) {
    const value = checkText(field, raw[field]);
    if (value !== undefined) filter[field] = value;
  }
  return filter;
}

/**
 * PerformChat's customer users (`GET /rest/v1/customer-users`, `PUT /rest/v1/customer-users/:id`):
 * the people token generation created, with the name, email and metadata you give them.
 * PerformChat creates them only through token generation; there is no create or delete.
 */
@Injectable()
export class PerformChatCustomerUsersService {
  constructor(private readonly client: PerformChatHttpClient) {}

  /** One page, optionally filtered by `name`, `email` or `externalId` (your user id). */
  async list(query?: PerformChatCustomerUserQuery): Promise<PerformChatPage<PerformChatCustomerUserProfile>> {
    const raw = checkObject<PerformChatCustomerUserQuery>('query', query, ['page', 'limit', ...FILTERS]);
    return this.client.call(listCustomerUsersResource, {
      page: checkPage(raw.page),
      limit: checkLimit(raw.limit),
      ...checkFilter(raw),
    });
  }

  /** Every customer user (matching the filter), page after page (`for await`). */
  listAll(
    filter?: PerformChatCustomerUserFilter & PerformChatIterateOptions,
  ): AsyncGenerator<PerformChatCustomerUserProfile, void, undefined> {
    const raw = checkObject<PerformChatCustomerUserFilter & PerformChatIterateOptions>(
      'filter',
      filter,
      ['limit', ...FILTERS],
      '{ email: "ada@example.com" }',
    );
    const query = { limit: checkLimit(raw.limit) ?? MAX_PAGE_LIMIT, ...checkFilter(raw) };
    return paginate((page) => this.client.call(listCustomerUsersResource, { ...query, page }));
  }

  /**
   * Sets the name, email and/or metadata of a customer user. Not retried after a timeout unless
   * `options.retry` is `'safe'` (see {@link PerformChatUpdateOptions}).
   * @param customerUserId PerformChat's internal id (`customerUser.id` of a token), not your user id
   * @throws PerformChatError `CUSTOMER_USER_NOT_FOUND` (404), `INVALID_ARGUMENT` for changes
   *   refused here or by PerformChat ("Invalid request body")
   */
  async update(
    customerUserId: string,
    changes: PerformChatCustomerUserChanges,
    options?: PerformChatUpdateOptions,
  ): Promise<PerformChatUpdatedCustomerUser> {
    const params = {
      customerUserId: assertIdentifier('customerUserId', customerUserId),
      changes: checkChanges(changes),
    };
    const retry = checkRetryMode(
      checkObject<PerformChatUpdateOptions>('options', options, ['retry'], "{ retry: 'safe' }").retry,
    );
    return this.client.call(retry === 'safe' ? updateCustomerUserRetryingResource : updateCustomerUserResource, params);
  }
}
