import type { IDataObject } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { Attempt, ByteStream, FloraClient } from '../../shared/flora/client';
import { isTransientFailure, readJson } from '../../shared/flora/client';
import {
	ambiguousRunError,
	appendNoRunStarted,
	asNodeError,
	floraErrorCode,
	missingRunError,
	unconfirmedStartError,
} from '../../shared/flora/errors';
import type { Run, RunInput, RunMode } from '../../shared/flora/types';
import type { ItemCreate } from './runLedger';
import { RunLedger, mayHaveCreated } from './runLedger';

export interface RunRequest {
	techniqueId: string;
	inputs: RunInput[];
	mode: RunMode;
	callbackUrl?: string;
	/** Sent as header and body field; the same for every attempt of this item. */
	idempotencyKey: string;
	itemIndex: number;
	/** Until when the run history is read to find a run whose create answer was lost. */
	deadline: number;
}

export type StartedRun =
	| { kind: 'run'; run: Run }
	| { kind: 'events'; stream: ByteStream; attempt?: Attempt };

/**
 * Starts a run. Transient failures are retried with the same idempotency key, so FLORA never
 * starts or charges twice. When FLORA answers `idempotency_duplicate` to a repeat of ours, an
 * earlier attempt did start the run: the execution's RunLedger finds that run, or says
 * honestly that it cannot tell which it is. When the create gives up after attempts that may
 * have reached FLORA, the history tells whether a run started before the error says so.
 */
export async function startRun(
	client: FloraClient,
	request: RunRequest,
	create: ItemCreate,
): Promise<StartedRun> {
	const ledger = RunLedger.of(client);
	const body: IDataObject = {
		inputs: request.inputs as unknown as IDataObject[],
		mode: request.mode,
		idempotency_key: request.idempotencyKey,
		...(request.callbackUrl ? { callback_url: request.callbackUrl } : {}),
	};
	let lastAttempt: Attempt | undefined;
	try {
		const response = await ledger.track(request.techniqueId, async () =>
			client.request<Run | ByteStream>({
				method: 'POST',
				path: `/techniques/${encodeURIComponent(request.techniqueId)}/runs`,
				body,
				headers: { 'Idempotency-Key': request.idempotencyKey, 'Content-Type': 'application/json' },
				retry: 'idempotent',
				onAttempt: (attempt) => {
					lastAttempt = attempt;
					if (mayHaveCreated(attempt)) create.windows.push([attempt.sentAt, attempt.settledAt]);
				},
				stream: request.mode === 'stream',
				itemIndex: request.itemIndex,
			}),
		);
		if (request.mode !== 'stream') {
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
					itemIndex: request.itemIndex,
					description: `Content type: ${contentType || 'none'}. Try the "async" mode.`,
				},
			);
		}
		ledger.answered(run, lastAttempt);
		return { kind: 'run', run };
	} catch (error) {
		if (create.windows.length === 0) throw asNodeError(client.node, error, request.itemIndex);
		if (floraErrorCode(error)?.code === 'idempotency_duplicate') {
			return { kind: 'run', run: await recoverRun(client, create, request) };
		}
		if (isTransientFailure(error)) await checkNothingStarted(client, error, create, request);
		throw asNodeError(client.node, error, request.itemIndex);
	}
}

/** FLORA said an earlier attempt started the run: find it in the history. */
async function recoverRun(client: FloraClient, create: ItemCreate, request: RunRequest) {
	const recovery = await RunLedger.of(client)
		.recover(create, request.deadline, true)
		.catch((error: unknown) => {
			throw unconfirmedStartError(client.node, error, create, request.itemIndex);
		});
	if (recovery.kind === 'found') return recovery.run;
	if (recovery.kind === 'ambiguous') {
		throw ambiguousRunError(client.node, recovery.candidates, create, request.itemIndex);
	}
	throw missingRunError(client.node, create, request.itemIndex);
}

/**
 * The create gave up after attempts that may have reached FLORA. Returns (and the caller
 * throws FLORA's own error) only when the history shows that none of them started a run;
 * otherwise the error names the runs that may be this item's.
 */
async function checkNothingStarted(
	client: FloraClient,
	cause: unknown,
	create: ItemCreate,
	request: RunRequest,
) {
	const recovery = await RunLedger.of(client)
		.recover(create, request.deadline, false)
		.catch(() => undefined);
	if (recovery?.kind === 'missing') {
		appendNoRunStarted(cause);
		return;
	}
	const candidates = recovery?.kind === 'ambiguous' ? recovery.candidates : undefined;
	throw unconfirmedStartError(client.node, cause, create, request.itemIndex, candidates);
}
