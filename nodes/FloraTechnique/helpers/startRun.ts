import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FloraClient, ByteStream } from '../transport';
import { readJson } from '../transport';
import { asNodeError, floraErrorCode } from '../transport/errors';
import type { Run, RunInput, RunMode, TechniqueRunPage } from './interfaces';

export interface RunRequest {
	techniqueId: string;
	inputs: RunInput[];
	mode: RunMode;
	callbackUrl?: string;
	/** Sent as header and body field; the same for every attempt of this item. */
	idempotencyKey: string;
	itemIndex: number;
}

export type StartedRun = { kind: 'run'; run: Run } | { kind: 'events'; stream: ByteStream };

/** Runs this execution created or found, so that no two items ever claim the same run. */
const claimedRuns = new WeakMap<FloraClient, Set<string>>();

function claims(client: FloraClient): Set<string> {
	let set = claimedRuns.get(client);
	if (!set) {
		set = new Set();
		claimedRuns.set(client, set);
	}
	return set;
}

export function claimRun(client: FloraClient, runId: string) {
	claims(client).add(runId);
}

/**
 * Starts a run. Transient failures are retried with the same idempotency key, so FLORA never
 * starts or charges twice. When a retry (or a repeat after a stream that broke before its
 * first event) answers `idempotency_duplicate`, an earlier attempt did start the run: the
 * node finds that run and carries on with it.
 */
export async function startRun(
	client: FloraClient,
	request: RunRequest,
	sentBefore: { at: number } | undefined = undefined,
): Promise<StartedRun> {
	const body: IDataObject = {
		inputs: request.inputs as unknown as IDataObject[],
		mode: request.mode,
		idempotency_key: request.idempotencyKey,
		...(request.callbackUrl ? { callback_url: request.callbackUrl } : {}),
	};
	const firstAttemptAt = sentBefore?.at ?? Date.now();
	try {
		const response = await client.request<Run | ByteStream>({
			method: 'POST',
			path: `/techniques/${encodeURIComponent(request.techniqueId)}/runs`,
			body,
			headers: { 'Idempotency-Key': request.idempotencyKey, 'Content-Type': 'application/json' },
			retry: 'idempotent',
			stream: request.mode === 'stream',
			itemIndex: request.itemIndex,
		});
		if (request.mode !== 'stream')
			return claimed(client, { kind: 'run', run: response.body as Run });
		const stream = response.body as ByteStream;
		const contentType = String(response.headers['content-type'] ?? '');
		if (contentType.includes('text/event-stream')) return { kind: 'events', stream };
		const run = (await readJson(stream)) as Run | undefined;
		if (typeof run?.run_id !== 'string') {
			throw new NodeOperationError(
				client.node,
				'FLORA answered the run request with something that is not a run',
				{
					itemIndex: request.itemIndex,
					description: `Content type: ${contentType || 'none'}. Try the "async" mode.`,
				},
			);
		}
		return claimed(client, { kind: 'run', run });
	} catch (error) {
		const flora = floraErrorCode(error);
		const ourEarlierAttempt = sentBefore !== undefined || (flora?.attempts ?? 1) > 1;
		if (flora?.code === 'idempotency_duplicate' && ourEarlierAttempt) {
			const recovered = await oneAtATime(client, async () => {
				const run = await findRunStartedSince(
					client,
					request.techniqueId,
					firstAttemptAt,
					request.itemIndex,
				);
				if (run) claimRun(client, run.run_id);
				return run;
			});
			if (recovered) return { kind: 'run', run: recovered };
		}
		throw asNodeError(client.node, error, request.itemIndex);
	}
}

function claimed(client: FloraClient, started: StartedRun & { kind: 'run' }): StartedRun {
	claimRun(client, started.run.run_id);
	return started;
}

/** Items of one execution look for their runs one at a time, so two never pick the same run. */
const recoveryQueue = new WeakMap<FloraClient, Promise<unknown>>();

async function oneAtATime<T>(client: FloraClient, task: () => Promise<T>): Promise<T> {
	const previous = recoveryQueue.get(client) ?? Promise.resolve();
	const current = previous.then(task, task);
	recoveryQueue.set(
		client,
		current.catch(() => undefined),
	);
	return await current;
}

/** Clocks differ between n8n and FLORA; look this far before the first attempt. */
const CLOCK_SKEW_MS = 120_000;

function toMs(timestamp: number) {
	return timestamp < 1e12 ? timestamp * 1000 : timestamp;
}

/**
 * The run an earlier attempt of ours started: the oldest run of this technique created since
 * that attempt that no other item of this execution has claimed.
 */
async function findRunStartedSince(
	client: FloraClient,
	techniqueId: string,
	since: number,
	itemIndex: number,
): Promise<Run | undefined> {
	const response = await client.request<TechniqueRunPage>({
		method: 'GET',
		path: '/technique-runs',
		qs: { technique_id: techniqueId, limit: 50 },
		retry: 'safe',
		itemIndex,
	});
	const taken = claims(client);
	const candidates = response.body.technique_runs
		.filter((run) => !taken.has(run.run_id) && toMs(run.created_at) >= since - CLOCK_SKEW_MS)
		.sort((a, b) => a.created_at - b.created_at);
	return candidates[0];
}
