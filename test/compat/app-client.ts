import { HttpAnswer, http } from './http-request';

/** One answer of the app under test, kept for the leak scan. */
export interface RecordedAnswer extends HttpAnswer {
  /** `GET /api/chat/token` */
  request: string;
  /** A token answer (status 200 of a route that issues tokens): the one place a token may be. */
  tokenAnswer: boolean;
}

export interface AppRequest {
  /** The logged-in user (sent in the app's auth stand-in header). */
  user?: string;
  headers?: Record<string, string>;
  /** Sent as is, `content-type: application/json` unless `headers` says otherwise. */
  body?: string;
  /** The route issues a token when it succeeds (the token route, the app's own route). */
  issuesToken?: boolean;
}

/**
 * HTTP client of one app under test: every answer is recorded, and the token of every token
 * answer collected, so that the end of the cell can look for the secret and the tokens in
 * everything the app answered.
 */
export class AppClient {
  readonly answers: RecordedAnswer[] = [];
  readonly issuedTokens = new Set<string>();

  constructor(
    readonly baseUrl: string,
    private readonly userHeader: string,
  ) {}

  get(path: string, options: AppRequest = {}): Promise<HttpAnswer> {
    return this.request('GET', path, options);
  }

  post(path: string, options: AppRequest = {}): Promise<HttpAnswer> {
    return this.request('POST', path, options);
  }

  async request(method: string, path: string, options: AppRequest = {}): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.user !== undefined) headers[this.userHeader] = options.user;
    if (options.body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    const answer = await http(method, `${this.baseUrl}${path}`, { headers, body: options.body });
    const tokenAnswer = options.issuesToken === true && answer.status === 200;
    if (tokenAnswer && typeof answer.json?.token === 'string') this.issuedTokens.add(answer.json.token);
    this.answers.push({ ...answer, request: `${method} ${path}`, tokenAnswer });
    return answer;
  }
}
