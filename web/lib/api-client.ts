import { ApiError, apiErrorFromResponse, CLIENT_ERROR_CODES } from './api-error';
import type { SessionManager } from './session-manager';

/** Options of one {@link ApiClient.request} call. */
export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | number | undefined>;
  /** Sends the access token; true unless the endpoint is public. */
  auth?: boolean;
  signal?: AbortSignal;
}

/**
 * Calls the gateway's REST API. Authenticated calls that get a 401 refresh the
 * tokens once and are sent again, so an access token that expired while the
 * tab slept costs one extra round trip instead of a sign-out.
 */
export class ApiClient {
  readonly #gatewayUrl: string;
  readonly #session: SessionManager;
  readonly #fetch: typeof fetch;

  constructor(gatewayUrl: string, session: SessionManager, fetchImpl?: typeof fetch) {
    this.#gatewayUrl = gatewayUrl;
    this.#session = session;
    this.#fetch = fetchImpl ?? globalThis.fetch.bind(globalThis);
  }

  /** Sends one request and returns the parsed JSON body, or undefined for 204. */
  async request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    if (options.auth === false) return this.#parse<T>(await this.#send(path, options, null));

    const token = await this.#session.accessToken();
    if (token === null) throw signedOutError();

    const first = await this.#send(path, options, token);
    if (first.status !== 401) return this.#parse<T>(first);

    const renewed = await this.#session.refresh(token);
    if (renewed === null) throw signedOutError();
    return this.#parse<T>(await this.#send(path, options, renewed.accessToken));
  }

  async #send(path: string, options: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (token !== null) headers.authorization = `Bearer ${token}`;

    try {
      return await this.#fetch(this.#url(path, options.query), {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
      });
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      throw new ApiError(0, {
        code: CLIENT_ERROR_CODES.network,
        message: 'Could not reach the server. Check your connection and try again.',
      });
    }
  }

  async #parse<T>(response: Response): Promise<T> {
    if (!response.ok) throw await apiErrorFromResponse(response);
    if (response.status === 204) return undefined as T;

    try {
      return (await response.json()) as T;
    } catch {
      throw new ApiError(response.status, {
        code: CLIENT_ERROR_CODES.badResponse,
        message: 'The server sent a response that is not valid JSON.',
      });
    }
  }

  #url(path: string, query: RequestOptions['query']): string {
    const url = new URL(`${this.#gatewayUrl}${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }
}

function signedOutError(): ApiError {
  return new ApiError(401, {
    code: CLIENT_ERROR_CODES.signedOut,
    message: 'Your session has ended. Please sign in again.',
  });
}
