/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Seeded random faults ("chaos") for the simulator: a small PRNG (mulberry32), the decision
 * whether a request gets a fault and which, and the pieces of a fault that do not need the
 * simulator's state. faults.ts asks for the draws when a request arrives and applies the fault.
 *
 * Determinism: every covered request takes exactly three draws when it arrives (hit, kind,
 * parameter), in arrival order, whatever it then turns out to be; so the same seed and the
 * same sequence of requests give the same faults.
 */
import type * as http from 'node:http';
import type { ChaosKind, ChaosLogEntry, ChaosSpec } from './types';

export const CHAOS_KINDS: readonly ChaosKind[] = [
	'rate_limited',
	'internal_error',
	'service_unavailable',
	'drop',
	'dropAfterHandling',
	'slow',
	'cutStream',
	'cutBody',
];

/** The kinds each host can produce. */
const HOST_KINDS: Record<'api' | 'media', readonly ChaosKind[]> = {
	api: [
		'rate_limited',
		'internal_error',
		'service_unavailable',
		'drop',
		'dropAfterHandling',
		'slow',
		'cutStream',
	],
	media: ['internal_error', 'service_unavailable', 'drop', 'slow', 'cutBody'],
};

const STATUS_FAULTS = {
	rate_limited: { status: 429, code: 'rate_limited', message: 'Too many requests. Retry later.' },
	internal_error: { status: 500, code: 'unknown_error', message: 'An unknown error occurred.' },
	service_unavailable: {
		status: 503,
		code: 'service_unavailable',
		message: 'The service is temporarily unavailable.',
	},
} as const;

/** mulberry32: a 32-bit seeded PRNG answering floats in [0, 1). */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** The three draws a covered request takes on arrival. */
export interface ChaosDraw {
	hit: number;
	which: number;
	param: number;
}

export type ChaosHit =
	| {
			kind: 'rate_limited' | 'internal_error' | 'service_unavailable';
			status: number;
			code: string;
			message: string;
			headers: Record<string, string>;
	  }
	| { kind: 'drop' | 'dropAfterHandling' }
	| { kind: 'slow'; ms: number }
	| { kind: 'cutStream'; afterEvents: number }
	/** Share of the file (0.1..0.9) sent before the cut. */
	| { kind: 'cutBody'; fraction: number };

/** What a request turned out to be, for the kinds that apply only to some requests. */
export interface ChaosApplies {
	/** The answer is an event stream (a streamed run create): cutStream applies. */
	stream?: boolean;
	/** The answer is a media file body (GET of an existing output file): cutBody applies. */
	body?: boolean;
}

export type NormalizedChaosSpec = Required<Omit<ChaosSpec, 'routes'>> & { routes?: string[] };

function fail(message: string): never {
	throw new Error(`setChaos: ${message}`);
}

export class Chaos {
	readonly spec: NormalizedChaosSpec;
	private readonly rand: () => number;
	private readonly routes: Set<string> | null;

	/** `isRoute` says whether a route key is one chaos can cover (an API route or the media route). */
	constructor(spec: ChaosSpec, isRoute: (key: string) => boolean) {
		if (!spec || typeof spec !== 'object' || Array.isArray(spec))
			fail('the spec must be an object');
		const { seed, rate, kinds, routes, retryAfterSeconds = 1, slowMs = [200, 2000] } = spec;
		if (typeof seed !== 'number' || !Number.isFinite(seed)) fail('seed must be a finite number');
		if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) fail('rate must be between 0 and 1');
		if (kinds !== undefined) {
			if (!Array.isArray(kinds) || kinds.length === 0) fail('kinds must be a non-empty array');
			for (const k of kinds)
				if (!CHAOS_KINDS.includes(k))
					fail(`unknown kind "${String(k)}" (one of ${CHAOS_KINDS.join(', ')})`);
		}
		if (routes !== undefined) {
			if (!Array.isArray(routes) || routes.length === 0) fail('routes must be a non-empty array');
			for (const r of routes)
				if (typeof r !== 'string' || !isRoute(r))
					fail(`unknown route "${String(r)}" (use 'METHOD /path/template' from the spec)`);
		}
		if (typeof retryAfterSeconds !== 'number' || !(retryAfterSeconds >= 0))
			fail('retryAfterSeconds must be a number >= 0');
		if (
			!Array.isArray(slowMs) ||
			slowMs.length !== 2 ||
			!slowMs.every((n) => typeof n === 'number' && Number.isFinite(n)) ||
			!(slowMs[0] >= 0 && slowMs[0] <= slowMs[1])
		)
			fail('slowMs must be [min, max] with 0 <= min <= max');
		this.spec = {
			seed,
			rate,
			kinds: [...(kinds ?? CHAOS_KINDS)],
			...(routes ? { routes: [...routes] } : {}),
			retryAfterSeconds,
			slowMs: [slowMs[0], slowMs[1]],
		};
		this.routes = routes ? new Set(routes) : null;
		this.rand = mulberry32(seed);
	}

	/** On arrival: the draws of a covered request; null for one chaos does not cover (no draws taken). */
	draw(route: string | null): ChaosDraw | null {
		if (route === null || (this.routes && !this.routes.has(route))) return null;
		return { hit: this.rand(), which: this.rand(), param: this.rand() };
	}

	/** The fault a drawn request gets, or null. Only kinds that apply to the request are chosen from. */
	pick(d: ChaosDraw | null, host: 'api' | 'media', applies: ChaosApplies = {}): ChaosHit | null {
		if (!d || d.hit >= this.spec.rate) return null;
		const eligible = this.spec.kinds.filter(
			(k) =>
				HOST_KINDS[host].includes(k) &&
				(k !== 'cutStream' || applies.stream === true) &&
				(k !== 'cutBody' || applies.body === true),
		);
		if (eligible.length === 0) return null;
		const kind = eligible[Math.min(eligible.length - 1, Math.floor(d.which * eligible.length))];
		switch (kind) {
			case 'rate_limited':
			case 'internal_error':
			case 'service_unavailable':
				return {
					kind,
					...STATUS_FAULTS[kind],
					headers:
						kind === 'rate_limited' ? { 'retry-after': String(this.spec.retryAfterSeconds) } : {},
				};
			case 'slow': {
				const [min, max] = this.spec.slowMs;
				return { kind, ms: Math.min(max, min + Math.floor(d.param * (max - min + 1))) };
			}
			case 'cutStream':
				return { kind, afterEvents: Math.floor(d.param * 4) };
			case 'cutBody':
				return { kind, fraction: 0.1 + 0.8 * d.param };
			default:
				return { kind };
		}
	}
}

/** Record a chaos fault as applied: on the request's record (`chaos`) and in the log. */
export function recordChaos(
	log: ChaosLogEntry[],
	rec: { chaos?: ChaosKind; requestId?: string },
	route: string | null,
	kind: ChaosKind,
	runId?: string,
): void {
	rec.chaos = kind;
	log.push({
		...(rec.requestId ? { requestId: rec.requestId } : {}),
		route,
		kind,
		at: Date.now(),
		...(runId ? { runId } : {}),
	});
}

/** How many bytes of a `size`-byte file a cutBody fault lets through: at least 1, always fewer than `size`. */
export function cutLength(size: number, fraction: number): number {
	return Math.max(1, Math.min(size - 1, Math.floor(size * fraction)));
}

/**
 * Send the first `limit` bytes of a body whose full content-length was already announced,
 * then destroy the connection (each write is flushed first, so the client gets those bytes).
 */
export async function sendTruncated(
	res: http.ServerResponse,
	chunks: Iterable<Buffer>,
	limit: number,
): Promise<void> {
	let sent = 0;
	try {
		for (const c of chunks) {
			if (res.destroyed) return;
			const part = sent + c.length > limit ? c.subarray(0, limit - sent) : c;
			sent += part.length;
			await new Promise<void>((resolve, reject) =>
				res.write(part, (e) => (e ? reject(e) : resolve())),
			);
			if (sent >= limit) break;
		}
	} catch {
		// the client went away first
	}
	res.destroy();
}

export function sleep(ms: number): Promise<void> {
	return new Promise((r) => setTimeout(r, ms));
}
