/**
 * FLORA's rate limit, per workspace: a token bucket (requests per second of real time, and a
 * burst) shared by every key of a workspace, answering 429 `rate_limited` with `retry-after`
 * when it is empty. Off until setRateLimit (or POST /_simulator/rate-limit) turns it on.
 */
import { DEFAULT_WORKSPACE_ID } from './catalogue';

export interface RateLimitSpec {
	/** Tokens added per second (real time). */
	requestsPerSecond: number;
	/** The bucket's size: how many requests may come at once after a quiet spell. */
	burst: number;
	/** The workspace each API key belongs to; a key not named here is in DEFAULT_WORKSPACE_ID. */
	keyWorkspaces?: Record<string, string>;
}

interface Bucket {
	tokens: number;
	at: number;
}

export class RateLimiter {
	private readonly buckets = new Map<string, Bucket>();
	/** How many requests the limit refused, by workspace. */
	readonly refused = new Map<string, number>();

	constructor(readonly spec: RateLimitSpec) {
		if (!(spec.requestsPerSecond > 0) || !(spec.burst >= 1))
			throw new Error('a rate limit needs requestsPerSecond > 0 and burst >= 1');
	}

	workspaceOf(apiKey: string | undefined): string {
		return (apiKey && this.spec.keyWorkspaces?.[apiKey]) || DEFAULT_WORKSPACE_ID;
	}

	/** Takes a token of the key's workspace: 0 when the request may go, else ms until a token. */
	take(apiKey: string | undefined, now = Date.now()): number {
		const workspace = this.workspaceOf(apiKey);
		const { requestsPerSecond: rate, burst } = this.spec;
		const bucket = this.buckets.get(workspace) ?? { tokens: burst, at: now };
		bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * rate);
		bucket.at = now;
		this.buckets.set(workspace, bucket);
		if (bucket.tokens >= 1) {
			bucket.tokens -= 1;
			return 0;
		}
		this.refused.set(workspace, (this.refused.get(workspace) ?? 0) + 1);
		return Math.ceil(((1 - bucket.tokens) / rate) * 1000);
	}
}

/** The bearer key of a request's Authorization header, if any. */
export function bearerKey(header: string | string[] | undefined): string | undefined {
	const value = Array.isArray(header) ? header[0] : header;
	return value ? /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1] : undefined;
}
