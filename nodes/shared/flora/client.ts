import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IWebhookFunctions,
	INode,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { Pace } from './pace';
import { sleepUnlessCancelled } from './sleep';
import type { FloraApiFailure } from './errors';
import { floraApiError, networkError, parseFailure } from './errors';

/** A streamed HTTP answer, as n8n's request helper hands it over with `encoding: 'stream'`. */
export interface ByteStream extends AsyncIterable<Buffer | string> {
	destroy(): void;
}

export type FloraContext = IExecuteFunctions | ILoadOptionsFunctions | IWebhookFunctions;

export const DEFAULT_BASE_URL = 'https://app.flora.ai/api/v1';

/**
 * How a request may be repeated after a transient failure:
 * `safe` for reads, `idempotent` for writes that carry an idempotency key (FLORA will not
 * act twice), `never` for writes without one.
 */
export type RetryPolicy = 'safe' | 'idempotent' | 'never';

export interface FloraRequest {
	method: IHttpRequestMethods;
	/** Path under the credential's base URL, e.g. `/techniques/tech_x/runs`. */
	path?: string;
	/**
	 * An absolute URL; takes precedence over `path`. Under the base URL (a run's `poll_url`), or
	 * elsewhere with `authenticate: false` (FLORA's media host, upload targets).
	 */
	url?: string;
	qs?: IDataObject;
	/** JSON, or raw bytes (a Buffer, or a stream read once: send those with retry `never`). */
	body?: IDataObject | Buffer | ByteStream;
	headers?: IDataObject;
	retry: RetryPolicy;
	/**
	 * Whether to send the API key. Off for FLORA's media host and upload targets: the key
	 * goes to the credential's base URL and nowhere else.
	 */
	authenticate?: boolean;
	/** Answer the body as a stream (for `text/event-stream` answers). */
	stream?: boolean;
	/** How long one attempt may take; 60 s unless a caller has a tighter limit of its own. */
	timeoutMs?: number;
	/**
	 * Keep retrying transient failures until this time (ms since the epoch) instead of giving
	 * up after MAX_ATTEMPTS: a run that has started is waited for through an outage. A function
	 * is asked again before every retry.
	 */
	retryUntil?: number | (() => number | undefined);
	/** Told about every attempt: when it was sent, when it settled, and how. */
	onAttempt?: (attempt: Attempt) => void;
	itemIndex?: number;
}

/** One attempt of a request, as seen from n8n's side. */
export interface Attempt {
	sentAt: number;
	settledAt: number;
	/** The HTTP status FLORA (or a proxy) answered; undefined when the connection failed. */
	statusCode?: number;
	/** The network error code (ECONNRESET, ETIMEDOUT, …) when the connection failed. */
	networkError?: string;
}

export interface FloraResponse<T> {
	statusCode: number;
	headers: Record<string, string | string[] | undefined>;
	body: T;
	/** How many attempts it took; above 1 means an earlier attempt may have reached FLORA. */
	attempts: number;
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'ETIMEDOUT',
	'EPIPE',
	'EAI_AGAIN',
	'ENETUNREACH',
	'EHOSTUNREACH',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_SOCKET',
]);
export const MAX_ATTEMPTS = 5;
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;
/** FLORA's own sample code waits 5 s when a 429 names no delay. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 5_000;
/** A server that asks for a longer pause than this is treated as a hard failure. */
const MAX_RETRY_AFTER_MS = 120_000;
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * The one place where the node talks HTTP to FLORA: authentication through the credential,
 * retries with backoff and jitter, `retry-after`, a pause shared by every item of the
 * execution after a 429, cancellation, and the mapping of FLORA errors to NodeApiError.
 */
export class FloraClient {
	/** Until when every request of this execution waits, after FLORA asked to slow down. */
	private pausedUntil = 0;

	/** How many items of the execution may work at once, as FLORA's rate limit allows. */
	readonly pace = new Pace();

	private constructor(
		private readonly context: FloraContext,
		readonly baseUrl: string,
		readonly signal: AbortSignal | undefined,
	) {}

	static async create(context: FloraContext): Promise<FloraClient> {
		const credentials = await context.getCredentials('floraApi');
		const baseUrl = normalizeBaseUrl((credentials.baseUrl as string) || DEFAULT_BASE_URL);
		const signal =
			'getExecutionCancelSignal' in context ? context.getExecutionCancelSignal() : undefined;
		return new FloraClient(context, baseUrl, signal);
	}

	get node(): INode {
		return this.context.getNode();
	}

	get cancelled(): boolean {
		return this.signal?.aborted === true;
	}

	/** Whether a URL FLORA handed out lies under the credential's base URL (so it may carry the key). */
	isUnderBaseUrl(url: string): boolean {
		try {
			const candidate = new URL(url);
			const base = new URL(this.baseUrl);
			return (
				candidate.origin === base.origin &&
				(candidate.pathname === base.pathname || candidate.pathname.startsWith(`${base.pathname}/`))
			);
		} catch {
			return false;
		}
	}

	async request<T>(request: FloraRequest): Promise<FloraResponse<T>> {
		const url = request.url ?? `${this.baseUrl}${request.path ?? ''}`;
		const mayRetry = (attempt: number, wait: number) => {
			if (request.retry === 'never') return false;
			const until =
				typeof request.retryUntil === 'function' ? request.retryUntil() : request.retryUntil;
			return until !== undefined
				? Date.now() + wait < until
				: attempt < MAX_ATTEMPTS && wait <= MAX_RETRY_AFTER_MS;
		};
		for (let attempt = 1; ; attempt++) {
			await sleepUnlessCancelled(this.pausedUntil - Date.now(), this.signal);
			this.throwIfCancelled(request.itemIndex);
			let response: { statusCode: number; headers: FloraResponse<T>['headers']; body: unknown };
			const sentAt = Date.now();
			try {
				response = await this.send(url, request);
			} catch (error) {
				request.onAttempt?.({ sentAt, settledAt: Date.now(), networkError: errorCode(error) });
				if (this.cancelled) this.throwIfCancelled(request.itemIndex);
				const wait = backoff(attempt);
				if (!isRetryableNetworkError(error) || !mayRetry(attempt, wait)) {
					const failure = networkError(this.node, error as Error, url, attempt, request.itemIndex);
					failure.context.transient = isRetryableNetworkError(error);
					throw failure;
				}
				await sleepUnlessCancelled(wait, this.signal);
				continue;
			}
			request.onAttempt?.({ sentAt, settledAt: Date.now(), statusCode: response.statusCode });
			if (response.statusCode < 400) {
				this.pace.succeeded(sentAt);
				return {
					statusCode: response.statusCode,
					headers: response.headers,
					body: response.body as T,
					attempts: attempt,
				};
			}
			const body = request.stream ? await readJson(response.body as ByteStream) : response.body;
			const failure: FloraApiFailure = parseFailure(
				response.statusCode,
				body,
				headerValue(response.headers, 'request-id'),
			);
			failure.attempts = attempt;
			const wait = retryDelay(response.statusCode, response.headers, attempt);
			if (response.statusCode === 429) {
				this.pausedUntil = Math.max(this.pausedUntil, Date.now() + wait);
				this.pace.rateLimited(sentAt, this.pausedUntil);
			}
			const retryable = RETRYABLE_STATUS.has(response.statusCode);
			if (!retryable || !mayRetry(attempt, wait)) {
				const error = floraApiError(this.node, failure, request.itemIndex);
				error.context.transient = retryable;
				throw error;
			}
			await sleepUnlessCancelled(wait, this.signal);
		}
	}

	throwIfCancelled(itemIndex?: number) {
		if (this.cancelled) {
			throw new NodeOperationError(this.node, 'The execution was cancelled', { itemIndex });
		}
	}

	private async send(url: string, request: FloraRequest) {
		const rawBody = request.body !== undefined && !isPlainObject(request.body);
		const options: IHttpRequestOptions = {
			method: request.method,
			url,
			qs: request.qs,
			body: request.body as IHttpRequestOptions['body'],
			headers: {
				Accept: request.stream ? 'text/event-stream, application/json' : 'application/json',
				...request.headers,
			},
			json: !request.stream && !rawBody,
			encoding: request.stream ? 'stream' : undefined,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			timeout: request.timeoutMs ?? REQUEST_TIMEOUT_MS,
			abortSignal: this.signal,
		};
		const response = (
			request.authenticate === false
				? await this.context.helpers.httpRequest(options)
				: await this.context.helpers.httpRequestWithAuthentication.call(
						this.context,
						'floraApi',
						options,
					)
		) as { statusCode: number; headers: FloraResponse<unknown>['headers']; body: unknown };
		return response;
	}
}

function isPlainObject(value: unknown): value is IDataObject {
	return (
		typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
	);
}

export function normalizeBaseUrl(baseUrl: string): string {
	return baseUrl.trim().replace(/\/+$/, '');
}

function headerValue(headers: FloraResponse<unknown>['headers'], name: string): string | undefined {
	const value = headers?.[name];
	return Array.isArray(value) ? value[0] : value;
}

function backoff(attempt: number): number {
	const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** (attempt - 1));
	return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** The pause before the next attempt: what FLORA asked for, else backoff with jitter. */
export function retryDelay(
	statusCode: number,
	headers: FloraResponse<unknown>['headers'],
	attempt: number,
	now = Date.now(),
): number {
	const retryAfterMs = headerValue(headers, 'retry-after-ms');
	if (
		retryAfterMs !== undefined &&
		Number.isFinite(Number(retryAfterMs)) &&
		Number(retryAfterMs) >= 0
	) {
		return Number(retryAfterMs);
	}
	const retryAfter = headerValue(headers, 'retry-after');
	if (retryAfter !== undefined && retryAfter.trim() !== '') {
		const seconds = Number(retryAfter);
		if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
		const date = Date.parse(retryAfter);
		if (!Number.isNaN(date)) return Math.max(0, date - now);
	}
	return statusCode === 429 ? DEFAULT_RATE_LIMIT_WAIT_MS : backoff(attempt);
}

function errorCode(error: unknown): string {
	const candidates = [error, (error as { cause?: unknown })?.cause];
	for (const candidate of candidates) {
		const code = (candidate as NodeJS.ErrnoException | undefined)?.code;
		if (typeof code === 'string') return code;
	}
	return (error as Error | undefined)?.message ?? 'unknown';
}

/** Whether an error is a transient failure the transport gave up on (FLORA may work again soon). */
export function isTransientFailure(error: unknown): boolean {
	return (error as { context?: { transient?: unknown } } | undefined)?.context?.transient === true;
}

function isRetryableNetworkError(error: unknown): boolean {
	const candidates = [error, (error as { cause?: unknown })?.cause];
	return candidates.some((candidate) => {
		const code = (candidate as NodeJS.ErrnoException | undefined)?.code;
		const message = (candidate as Error | undefined)?.message ?? '';
		return (
			(code !== undefined && RETRYABLE_NETWORK_CODES.has(code)) ||
			/socket hang up|aborted|timeout/i.test(message)
		);
	});
}

/** The whole of a streamed answer as JSON, or undefined when it is not JSON. */
export async function readJson(stream: ByteStream): Promise<unknown> {
	const chunks: Buffer[] = [];
	for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		return undefined;
	}
}
