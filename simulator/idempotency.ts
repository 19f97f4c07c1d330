/** Idempotency keys of run and asset creates, remembered for two simulated hours. */
import { createHash } from 'node:crypto';

import type { SimClock } from './clock';
import { ApiError } from './http';

const IDEMPOTENCY_TTL_SIM_MS = 2 * 3600 * 1000;

function stableStringify(v: unknown): string {
	if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
	if (v && typeof v === 'object') {
		return `{${Object.keys(v as object)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(v);
}

export class Idempotency {
	private readonly keys = new Map<string, { hash: string; simAt: number }>();
	constructor(private readonly clock: SimClock) {}

	/**
	 * 409 on an exact replay within two hours, 422 when the same key comes with another body.
	 * Answers the function that remembers the key (call it once the request is accepted), or
	 * null without a key.
	 */
	check(scope: string, key: string | undefined, hashInput: unknown): (() => void) | null {
		if (key === undefined) return null;
		const now = this.clock.now();
		const id = `${scope}\u0000${key}`;
		const hash = createHash('sha256').update(stableStringify(hashInput)).digest('hex');
		const prev = this.keys.get(id);
		if (prev && now - prev.simAt < IDEMPOTENCY_TTL_SIM_MS) {
			if (prev.hash === hash) {
				throw new ApiError(
					409,
					'idempotency_duplicate',
					`Idempotency key "${key}" was already used within the last two hours.`,
				);
			}
			throw new ApiError(
				422,
				'idempotency_conflict',
				`Idempotency key "${key}" was already used with a different request body.`,
			);
		}
		return () => this.keys.set(id, { hash, simAt: now });
	}

	clear(): void {
		this.keys.clear();
	}
}
