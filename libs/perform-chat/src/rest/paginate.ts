import type { PerformChatPage } from '../client/resources/rest.interfaces';

/**
 * Every item of a paginated list, page after page, fetching the next page only when the items
 * of the one before have been consumed (`break` stops the calls). Ends after the last page
 * (`total_pages`), or at the first empty page in case the total was stale: a list that shrinks
 * while it is read must not make the loop ask for pages that no longer exist. Offset pages:
 * items added or removed during the walk can shift others between pages (PerformChat documents
 * no cursor).
 */
export async function* paginate<T>(
  fetchPage: (page: number) => Promise<PerformChatPage<T>>,
): AsyncGenerator<T, void, undefined> {
  for (let page = 1; ; page++) {
    const { data, pagination } = await fetchPage(page);
    yield* data;
    if (data.length === 0 || page >= pagination.totalPages) return;
  }
}
