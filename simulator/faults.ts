/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Faults: the explicit fault injector (injectFault, POST /_simulator/faults) and how explicit
 * faults and chaos (chaos.ts) are applied to one request on the API host and on the media host.
 * An explicit fault for a request takes precedence over chaos.
 */
import type * as http from 'node:http';

import { recordChaos, sleep, type Chaos, type ChaosDraw, type ChaosHit } from './chaos';
import { errorBody, send, type StreamCut } from './http';
import type { Contract } from './spec';
import type { ChaosLogEntry, FaultSpec, MediaRequestRecord, RecordedRequest } from './types';

/** Faults on this route hit the media host's output files (not part of FLORA's API contract). */
export const MEDIA_ROUTE = 'GET /media/{runId}/{file}';

export type FaultState = FaultSpec & { left: number };

export class FaultInjector {
	private faults: FaultState[] = [];
	constructor(private readonly contract: Contract) {}

	inject(fault: FaultSpec): void {
		if (
			!['status', 'drop', 'dropAfterHandling', 'delay', 'cutStream'].includes(
				(fault as { kind: string }).kind,
			)
		) {
			throw new Error(`injectFault: unknown kind "${(fault as { kind: string }).kind}"`);
		}
		if (
			fault.kind === 'status' &&
			(typeof fault.status !== 'number' || typeof fault.code !== 'string')
		) {
			throw new Error('injectFault: a status fault needs a numeric status and a code');
		}
		if (
			fault.route !== undefined &&
			fault.route !== MEDIA_ROUTE &&
			!this.contract.operation(fault.route)
		) {
			throw new Error(
				`injectFault: unknown route "${fault.route}" (use 'METHOD /path/template' from the spec)`,
			);
		}
		this.faults.push({ ...fault, left: fault.times ?? 1 } as FaultState);
	}

	/**
	 * The first pending fault for this route (and this request's Idempotency-Key, where the
	 * fault names one) that `pred` accepts, used up once.
	 */
	take(
		routeKey: string | null,
		pred: (f: FaultState) => boolean,
		idempotencyKey?: string,
	): FaultState | null {
		for (const f of this.faults) {
			if (f.left <= 0) continue;
			if (f.route !== undefined && f.route !== routeKey) continue;
			if (f.idempotencyKey !== undefined && f.idempotencyKey !== idempotencyKey) continue;
			if (!pred(f)) continue;
			f.left--;
			return f;
		}
		return null;
	}

	pending(): FaultState[] {
		return this.faults.filter((f) => f.left > 0);
	}

	clear(): void {
		this.faults = [];
	}
}

function idempotencyKeyOf(record: RecordedRequest): string | undefined {
	const key = record.headers['idempotency-key'];
	return Array.isArray(key) ? key[0] : key;
}

function defaultMessage(code: string): string {
	switch (code) {
		case 'rate_limited':
			return 'Too many requests. Retry later.';
		case 'service_unavailable':
			return 'The service is temporarily unavailable.';
		case 'internal_error':
			return 'An internal error occurred.';
		case 'unknown_error':
			return 'An unknown error occurred.';
		default:
			return `Request failed (${code}).`;
	}
}

/**
 * The faults of one API request, in the order they act: on arrival (drop), once the body is
 * read (an error status, or a chaos drop), after handling (dropAfterHandling, delay, slow),
 * and where a streamed answer is cut.
 */
export class ApiRequestFaults {
	private readonly fault: FaultState | null;
	private readonly draw: ChaosDraw | null;
	private hit: ChaosHit | null = null;

	/** Chaos draws on arrival (so in arrival order), whatever the request turns out to be. */
	constructor(
		private readonly faults: FaultInjector,
		private readonly chaos: Chaos | null,
		private readonly chaosLog: ChaosLogEntry[],
		private readonly routeKey: string | null,
		private readonly record: RecordedRequest,
	) {
		this.fault = faults.take(routeKey, (f) => f.kind !== 'cutStream', idempotencyKeyOf(record));
		this.draw = chaos?.draw(routeKey) ?? null;
	}

	/** True when an explicit drop destroyed the connection (before the body is read). */
	dropOnArrival(req: http.IncomingMessage): boolean {
		if (this.fault?.kind !== 'drop') return false;
		req.socket.destroy();
		return true;
	}

	/**
	 * Before handling: answers an explicit status fault, or picks chaos's fault (`stream`: the
	 * answer would be an event stream) and applies a drop or an error status. True when answered.
	 */
	answerBeforeHandling(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		stream: boolean,
	): boolean {
		const fault = this.fault;
		if (fault?.kind === 'status') {
			send(
				res,
				fault.status,
				errorBody(fault.code, fault.message ?? defaultMessage(fault.code), fault.fields),
				fault.headers ?? {},
			);
			return true;
		}
		const hit = fault || !this.chaos ? null : this.chaos.pick(this.draw, 'api', { stream });
		this.hit = hit;
		if (hit?.kind === 'drop') {
			recordChaos(this.chaosLog, this.record, this.routeKey, hit.kind);
			req.socket.destroy();
			return true;
		}
		if (hit && 'status' in hit) {
			recordChaos(this.chaosLog, this.record, this.routeKey, hit.kind);
			send(res, hit.status, errorBody(hit.code, hit.message), hit.headers);
			return true;
		}
		return false;
	}

	/**
	 * After handling (`runId`: the run a run create made, for the chaos log): drops the
	 * connection or delays the answer. True when the connection was dropped.
	 */
	async afterHandling(req: http.IncomingMessage, runId: string | undefined): Promise<boolean> {
		const fault = this.fault;
		const hit = this.hit;
		if (fault?.kind === 'dropAfterHandling') {
			req.socket.destroy();
			return true;
		}
		if (hit?.kind === 'dropAfterHandling') {
			recordChaos(this.chaosLog, this.record, this.routeKey, hit.kind, runId);
			req.socket.destroy();
			return true;
		}
		if (fault?.kind === 'delay') await sleep(fault.ms);
		if (hit?.kind === 'slow') {
			recordChaos(this.chaosLog, this.record, this.routeKey, hit.kind, runId);
			await sleep(hit.ms);
		}
		return false;
	}

	/** Where a streamed answer is cut: an explicit cutStream fault (taken now), else chaos's. */
	streamCut(runId: string | undefined): StreamCut | null {
		const explicit = this.faults.take(
			this.routeKey,
			(f) => f.kind === 'cutStream',
			idempotencyKeyOf(this.record),
		);
		let cut: StreamCut | null =
			explicit?.kind === 'cutStream' ? { afterEvents: explicit.afterEvents } : null;
		const hit = this.hit;
		if (!cut && hit?.kind === 'cutStream')
			cut = {
				afterEvents: hit.afterEvents,
				onCut: () => recordChaos(this.chaosLog, this.record, this.routeKey, 'cutStream', runId),
			};
		return cut;
	}
}

/**
 * The faults of one request for a media host output file (MEDIA_ROUTE): an explicit status or
 * drop, else chaos's fault. Error answers there are plain text.
 */
export class MediaRequestFaults {
	private readonly fault: FaultState | null;
	private readonly draw: ChaosDraw | null;

	constructor(
		faults: FaultInjector,
		private readonly chaos: Chaos | null,
		private readonly chaosLog: ChaosLogEntry[],
		private readonly record: MediaRequestRecord,
	) {
		this.fault = faults.take(MEDIA_ROUTE, (f) => f.kind === 'status' || f.kind === 'drop');
		this.draw = chaos?.draw(MEDIA_ROUTE) ?? null;
	}

	/** True when an explicit fault answered or dropped the request. */
	answerExplicit(req: http.IncomingMessage, res: http.ServerResponse): boolean {
		const fault = this.fault;
		if (fault?.kind === 'drop') {
			req.socket.destroy();
			return true;
		}
		if (fault?.kind === 'status') {
			req.resume();
			res.writeHead(fault.status, { 'content-type': 'text/plain', ...(fault.headers ?? {}) });
			res.end(fault.message ?? fault.code);
			return true;
		}
		return false;
	}

	/**
	 * Chaos, when no explicit fault applied (`body`: the answer would be a file body): answers
	 * a drop or an error status, or waits out a slow fault. `cutAt` is the share of the file to
	 * send before a cutBody cut.
	 */
	async applyChaos(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		body: boolean,
	): Promise<{ answered: boolean; cutAt?: number }> {
		const hit = this.fault || !this.chaos ? null : this.chaos.pick(this.draw, 'media', { body });
		if (hit) recordChaos(this.chaosLog, this.record, MEDIA_ROUTE, hit.kind);
		if (hit?.kind === 'drop') {
			req.socket.destroy();
			return { answered: true };
		}
		if (hit && 'status' in hit) {
			req.resume();
			res.writeHead(hit.status, { 'content-type': 'text/plain' });
			res.end(hit.message);
			return { answered: true };
		}
		if (hit?.kind === 'slow') await sleep(hit.ms);
		return { answered: false, cutAt: hit?.kind === 'cutBody' ? hit.fraction : undefined };
	}
}
