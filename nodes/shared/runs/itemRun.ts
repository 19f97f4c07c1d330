import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FloraClient } from '../flora/client';
import { asNodeError, floraErrorCode } from '../flora/errors';
import type { Run } from '../flora/types';
import { afterRunStarted, collectWith, earlierAttemptRunError } from './errors';
import { finishRun } from './finish';
import type { RunKind } from './kind';
import { collectOperation, listOperation } from './kind';
import type { ItemCreate } from './ledger';
import { RunLedger } from './ledger';
import { fingerprintOf, itemRuns } from './memory';
import type { FinishOptions } from './options';
import { pendingRunItem } from './outputs';
import { readRun } from './poll';
import { itemRunKey, runIndexOf } from './runKey';
import type { RunCreate } from './start';
import { startRun } from './start';
import { readRunEvents } from './stream';

/** How an item's run starts: what it is a run of, and the request that creates it. */
export interface RunStart {
	kind: RunKind;
	create: RunCreate;
}

export interface ItemRunRequest {
	itemIndex: number;
	/** What the run is started from (parameters, inputs): another request is another run. */
	request: unknown;
	/** The user's idempotency key; the node makes one per item when there is none. */
	idempotencyKey?: string;
	/** The key the node makes is random (a tool call: see runKey.ts). */
	randomKey?: boolean;
	timeoutMs: number;
	/** Whether the caller waits for the run to end (a stream is then followed to its end). */
	wait: boolean;
}

export interface StartedItemRun {
	kind: RunKind;
	run: Run;
	startedAt: number;
	timedOut: boolean;
}

/**
 * Starts an item's run (following its event stream when the create answers with one) and
 * returns it as last seen. `prepare` builds the create request (uploads included) with the
 * idempotency key it is given; it is not called when a run an earlier try of this node
 * started for the item (Retry On Fail) can be collected instead, which is unless it failed.
 */
export async function startItemRun(
	context: IExecuteFunctions,
	client: FloraClient,
	item: ItemRunRequest,
	prepare: (idempotencyKey: string) => Promise<RunStart>,
): Promise<StartedItemRun> {
	const { itemIndex } = item;
	const startedAt = Date.now();
	const deadline = startedAt + item.timeoutMs;
	const ledger = RunLedger.of(client);
	const memory = itemRuns(context);
	const fingerprint = fingerprintOf(item.request);
	const runIndex = runIndexOf(context, itemIndex);
	const earlier = memory[itemIndex];
	let remembered =
		earlier?.fingerprint === fingerprint && earlier.runIndex === runIndex ? earlier : undefined;
	let failedRunId: string | undefined;
	if (remembered?.runId && remembered.kind) {
		const { runId, kind } = remembered;
		ledger.claim(runId);
		const run = await readRun(client, kind, { run_id: runId }, itemIndex, deadline).catch(
			(error: unknown) => {
				throw afterRunStarted(client.node, error, runId, kind, itemIndex);
			},
		);
		if (run.status !== 'failed') return { kind, run, startedAt, timedOut: false };
		remembered = undefined;
		failedRunId = runId;
	}

	const idempotencyKey =
		remembered?.idempotencyKey ??
		item.idempotencyKey ??
		itemRunKey(context, itemIndex, fingerprint, {
			runIndex,
			after: failedRunId,
			random: item.randomKey,
		});
	const { kind, create } = await prepare(idempotencyKey);
	const record: ItemCreate = {
		itemIndex,
		kind,
		idempotencyKey,
		windows: remembered?.windows ?? [],
	};
	memory[itemIndex] = { fingerprint, runIndex, idempotencyKey, windows: record.windows };
	let run: Run | undefined;
	let timedOut = false;
	for (let attempt = 0; run === undefined; attempt++) {
		const started = await startRun(client, create, record, { itemIndex, deadline }).catch(
			(error: unknown) => {
				throw item.idempotencyKey === undefined &&
					record.windows.length === 0 &&
					keyAlreadyUsed(error)
					? earlierAttemptRunError(client.node, error, record, context.getExecutionId(), itemIndex)
					: error;
			},
		);
		if (started.kind === 'run') {
			run = started.run;
			break;
		}
		const outcome = await readRunEvents(client, started.stream, deadline, !item.wait);
		client.throwIfCancelled(itemIndex);
		run = outcome.run;
		timedOut = outcome.timedOut;
		if (run) ledger.answered(run, started.attempt);
		if (run === undefined && (timedOut || attempt >= 2)) {
			throw new NodeOperationError(
				context.getNode(),
				'FLORA accepted the run but its event stream carried no run',
				{
					itemIndex,
					description: `The run has started in FLORA. Do not run the workflow again: look for it with Run → Get Many (${kind.label}) and collect it with Run → Wait. Switching the Mode to "Async" avoids event streams. Idempotency key: ${idempotencyKey}.`,
				},
			);
		}
	}
	memory[itemIndex] = { ...memory[itemIndex], runId: run.run_id, kind };
	// n8n shows nothing while a node runs, and keeps nothing of it when the process running it
	// stops: the log names the run, the item and the execution as soon as the run started.
	const executionId = context.getExecutionId();
	context.logger.info(
		`FLORA run ${run.run_id} started (${kind.label}, item ${itemIndex}, execution ${executionId ?? 'without ID'}). If the execution stops before the run ends, collect it with ${collectWith(run.run_id, kind)}.`,
		{ runId: run.run_id, itemIndex, executionId },
	);
	return { kind, run, startedAt, timedOut };
}

/** FLORA refused a create because its idempotency key was used before (within two hours). */
function keyAlreadyUsed(error: unknown): boolean {
	const code = floraErrorCode(error)?.code;
	return code === 'idempotency_duplicate' || code === 'idempotency_conflict';
}

/**
 * Starts an item's run and, when asked, waits for it and turns it into items; every error
 * after the start names the run. Without waiting, the started run is the item.
 */
export async function runItem(
	context: IExecuteFunctions,
	client: FloraClient,
	item: ItemRunRequest,
	options: FinishOptions,
	prepare: (idempotencyKey: string) => Promise<RunStart>,
): Promise<INodeExecutionData[]> {
	const started = await startItemRun(context, client, item, prepare);
	const { kind, run } = started;
	if (!item.wait) return [pendingRunItem(run, kind, item.itemIndex)];
	try {
		return await finishRun(context, client, kind, started, options, item.itemIndex);
	} catch (error) {
		// A PartlyDone names its run already, and keeps what did download.
		throw afterRunStarted(client.node, error, run.run_id, kind, item.itemIndex);
	}
}

/**
 * When the node stops at one item's error (no Continue On Fail), the other items' runs that
 * had started go on unreported: the error names them too, so that nothing paid for is lost.
 */
export function namingOtherStartedRuns(context: IExecuteFunctions, error: unknown) {
	const nodeError = asNodeError(context.getNode(), error);
	const named = nodeError.context.runId;
	const others = Object.values(itemRuns(context)).filter(
		(remembered) => remembered.runId !== undefined && remembered.runId !== named,
	);
	if (others.length === 0) return nodeError;
	const ids = others.map((remembered) => remembered.runId as string);
	const kind = others[0].kind;
	const label = kind ? ` (${kind.label})` : '';
	const [one, many] = kind
		? [collectOperation(kind), listOperation(kind)]
		: ['Run → Wait', 'Run → Get Many'];
	nodeError.description = `${nodeError.description ?? ''}\nThis execution also started these runs, which go on in FLORA and are charged if they complete: ${ids.join(', ')}. Collect them with ${one}${label} or ${many} (with Retry On Fail the node collects them itself), or set On Error to Continue to get every item's result.`;
	nodeError.context.otherRunIds = ids;
	return nodeError;
}
