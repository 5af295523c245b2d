// A small client around the generated one (../generated): the key on every call, typed problems,
// retries of 429 answers after their Retry-After, and the usage headers of the last answer.
import { Configuration, DefaultApi, FetchAPI, ResponseError } from '../generated';
import type { Accepted, Event, Summary, Timeseries } from '../generated';

export type { Accepted, Event, Summary, Timeseries };

/** The usage an answer reported in its RateLimit headers (IETF draft, Structured Fields). */
export interface Usage {
  /** The tightest policy's name, e.g. "daily". */
  policy: string;
  /** What is left of it. */
  remaining: number;
  /** Seconds until it resets. */
  resetSeconds: number;
  /** Every policy that applied, as sent in RateLimit-Policy. */
  policies: string;
}

/** A refusal or an error of the API: RFC 9457 problem details with Monetize's stable code. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly retryAfter: number | undefined,
    readonly requestId: string | undefined,
    readonly hint: string | undefined,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'ApiProblem';
  }
}

export interface ClientOptions {
  /** Where the API is, e.g. https://api.example.com */
  baseUrl: string;
  /** The API key, sent as X-API-Key (never after a redirect: the client follows none). */
  apiKey: string;
  /** How often a 429 answer is retried after its Retry-After (default 2; 0: never). */
  maxRetries?: number;
  /** The longest Retry-After worth waiting for, in seconds (default 10): a longer one is thrown at once. */
  maxRetryAfterSeconds?: number;
  /** How to wait (tests record the waits). */
  sleep?: (ms: number) => Promise<void>;
  /** The fetch to use (default: the global one). */
  fetch?: FetchAPI;
}

/**
 * Parses the RateLimit header (`"daily";r=50;t=30`, or several members separated by commas): the
 * tightest member, the one with the fewest units remaining; undefined when absent or in no such form.
 */
export function parseRateLimit(header: string | null, policies: string | null): Usage | undefined {
  if (!header) return undefined;
  let tightest: Usage | undefined;
  for (const member of header.split(',')) {
    const m = /^\s*"([^"]*)"\s*;(.*)$/.exec(member);
    if (!m) continue;
    const params = new Map(m[2].split(';').map((p) => p.trim().split('=') as [string, string]));
    const remaining = /^\d+$/.test(params.get('r') ?? '') ? Number(params.get('r')) : NaN;
    const reset = /^\d+$/.test(params.get('t') ?? '') ? Number(params.get('t')) : 0;
    if (Number.isNaN(remaining)) continue;
    if (!tightest || remaining < tightest.remaining) {
      tightest = { policy: m[1], remaining, resetSeconds: reset, policies: policies ?? '' };
    }
  }
  return tightest;
}

/**
 * Retry-After in seconds: a whole number, or an HTTP date (seconds from now, at least 0); undefined
 * when absent, empty or neither (such an answer is not retried).
 */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | undefined {
  const v = header?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

export class AnalyticsClient {
  /** The usage reported by the last answer (admitted or refused). */
  lastUsage: Usage | undefined;
  private readonly api: DefaultApi;

  constructor(options: ClientOptions) {
    const maxRetries = options.maxRetries ?? 2;
    const maxWait = options.maxRetryAfterSeconds ?? 10;
    const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
    const fetchApi: FetchAPI = options.fetch ?? fetch;
    const retrying: FetchAPI = async (input, init) => {
      for (let attempt = 0; ; attempt++) {
        // never follow a redirect: fetch drops Authorization on another origin, but not X-API-Key
        const response = await fetchApi(input, { ...init, redirect: 'error' });
        this.lastUsage = parseRateLimit(response.headers.get('RateLimit'), response.headers.get('RateLimit-Policy'))
          ?? this.lastUsage;
        const after = retryAfterSeconds(response.headers.get('Retry-After'));
        if (response.status !== 429 || attempt >= maxRetries || after === undefined || after > maxWait) {
          return response;
        }
        await sleep(after * 1000);
      }
    };
    this.api = new DefaultApi(new Configuration({
      basePath: options.baseUrl.replace(/\/$/, ''),
      apiKey: () => options.apiKey,
      fetchApi: retrying,
    }));
  }

  /** GET /v1/stats/summary */
  summary(): Promise<Summary> {
    return this.call(() => this.api.statsSummary());
  }

  /** GET /v1/stats/timeseries */
  timeseries(): Promise<Timeseries> {
    return this.call(() => this.api.statsTimeseries());
  }

  /** POST /v1/events */
  ingest(events: Event[]): Promise<Accepted> {
    return this.call(() => this.api.eventsIngest({ event: events }));
  }

  private async call<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (e) {
      if (e instanceof ResponseError) {
        throw await problemOf(e.response);
      }
      throw e;
    }
  }
}

async function problemOf(response: Response): Promise<ApiProblem> {
  let body: Record<string, unknown> = {};
  try {
    body = await response.json();
  } catch {
    // not problem JSON: the status says what there is to say
  }
  const retry = typeof body.retry_after === 'number' ? body.retry_after
    : retryAfterSeconds(response.headers.get('Retry-After'));
  return new ApiProblem(response.status, String(body.code ?? 'unknown'), String(body.detail ?? response.statusText),
    retry, (body.request_id as string | undefined)
      ?? response.headers.get('X-Request-Id') ?? undefined, body.hint as string | undefined);
}
