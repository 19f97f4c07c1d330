import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Attempt, ByteStream, FloraClient } from '../flora/client';
import { isTransientFailure, readJson } from '../flora/client';
import { asNodeError, floraErrorCode } from '../flora/errors';
import type { Run } from '../flora/types';
import {
	ambiguousRunError,
	appendNoRunStarted,
	missingRunError,
	unconfirmedStartError,
	unlistedRunError,
} from './errors';
import type { ItemCreate } from './ledger';
import { RunLedger, mayHaveCreated } from './ledger';

/** The request that creates a run, as its kind of run builds it. */
export interface RunCreate {
	path: string;
	body: IDataObject;
	/** Whether FLORA answers with an event stream of the run (a technique run in stream mode). */
	stream: boolean;
}

export interface StartOptions {
	itemIndex: number;
	/** Until when the run history is read to find a run whose create answer was lost. */
	deadline: number;
}

export type StartedRun =
	| { kind: 'run'; run: Run }
	| { kind: 'events'; stream: ByteStream; attempt?: Attempt };

/**
 * Sends a run create with the item's idempotency key. Transient failures are retried with the
 * same key, so FLORA never starts or charges twice. When FLORA answers `idempotency_duplicate`
 * to a repeat of ours, an earlier attempt did start the run: the execution's RunLedger finds
 * that run, or says honestly that it cannot tell which it is. When the create gives up after
 * attempts that may have reached FLORA, the history tells whether a run started before the
 * error says so.
 */
export async function startRun(
	client: FloraClient,
	create: RunCreate,
	item: ItemCreate,
	options: StartOptions,
): Promise<StartedRun> {
	const ledger = RunLedger.of(client);
	let lastAttempt: Attempt | undefined;
	try {
		const response = await ledger.track(item.kind, async () =>
			client.request<Run | ByteStream>({
				method: 'POST',
				path: create.path,
				body: create.body,
				headers: { 'Idempotency-Key': item.idempotencyKey, 'Content-Type': 'application/json' },
				retry: 'idempotent',
				onAttempt: (attempt) => {
					lastAttempt = attempt;
					if (mayHaveCreated(attempt)) item.windows.push([attempt.sentAt, attempt.settledAt]);
				},
				stream: create.stream,
				itemIndex: options.itemIndex,
			}),
		);
		if (!create.stream) {
			const run = response.body as Run;
			ledger.answered(run, lastAttempt);
			return { kind: 'run', run };
		}
		const stream = response.body as ByteStream;
		const contentType = String(response.headers['content-type'] ?? '');
		if (contentType.includes('text/event-stream')) {
			return { kind: 'events', stream, attempt: lastAttempt };
		}
		const run = (await readJson(stream)) as Run | undefined;
		if (typeof run?.run_id !== 'string') {
			throw new NodeOperationError(
				client.node,
				'FLORA answered the run request with something that is not a run',
				{
					itemIndex: options.itemIndex,
					description: `Content type: ${contentType || 'none'}. Try the "async" mode.`,
				},
			);
		}
		ledger.answered(run, lastAttempt);
		return { kind: 'run', run };
	} catch (error) {
		if (item.windows.length === 0) throw asNodeError(client.node, error, options.itemIndex);
		if (floraErrorCode(error)?.code === 'idempotency_duplicate') {
			return { kind: 'run', run: await recoverRun(client, item, options) };
		}
		if (isTransientFailure(error)) await checkNothingStarted(client, error, item, options);
		throw asNodeError(client.node, error, options.itemIndex);
	}
}

/** FLORA said an earlier attempt started the run: find it in the history. */
async function recoverRun(client: FloraClient, item: ItemCreate, options: StartOptions) {
	if (!item.kind.history) throw unlistedRunError(client.node, item, options.itemIndex);
	const recovery = await RunLedger.of(client)
		.recover(item, options.deadline, true)
		.catch((error: unknown) => {
			throw unconfirmedStartError(client.node, error, item, options.itemIndex);
		});
	if (recovery.kind === 'found') return recovery.run;
	if (recovery.kind === 'ambiguous') {
		throw ambiguousRunError(client.node, recovery.candidates, item, options.itemIndex);
	}
	throw missingRunError(client.node, item, options.itemIndex);
}

/**
 * The create gave up after attempts that may have reached FLORA. Returns (and the caller
 * throws FLORA's own error) only when the history shows that none of them started a run;
 * otherwise the error names the runs that may be this item's.
 */
async function checkNothingStarted(
	client: FloraClient,
	cause: unknown,
	item: ItemCreate,
	options: StartOptions,
) {
	// FLORA lists such runs nowhere: whether one started cannot be known.
	if (!item.kind.history) throw unconfirmedStartError(client.node, cause, item, options.itemIndex);
	const recovery = await RunLedger.of(client)
		.recover(item, options.deadline, false)
		.catch(() => undefined);
	if (recovery?.kind === 'missing') {
		appendNoRunStarted(cause);
		return;
	}
	const candidates = recovery?.kind === 'ambiguous' ? recovery.candidates : undefined;
	throw unconfirmedStartError(client.node, cause, item, options.itemIndex, candidates);
}
