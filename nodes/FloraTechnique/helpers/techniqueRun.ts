import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, randomString } from 'n8n-workflow';

import type { FloraClient } from '../../shared/flora/client';
import { afterRunStarted, asNodeError } from '../../shared/flora/errors';
import { finishRun } from './finishRun';
import type { Run, RunMode } from '../../shared/flora/types';
import { fingerprintOf, itemRuns } from './itemRuns';
import { pendingRunItem } from './outputs';
import type { DraftInput, RunOptions } from './params';
import { readInputs, readRunOptions, readTechnique, readWorkspace } from './params';
import { resolveInputs } from './resolveInputs';
import type { ItemCreate } from './runLedger';
import { RunLedger } from './runLedger';
import { startRun } from './startRun';
import { getTechnique } from '../../shared/flora/techniques';
import { readRun, readRunEvents } from './wait';
import { readWaitMode } from './webhookWait';

/** An item's Technique → Run parameters, read and checked before any request. */
export interface PreparedRun {
	waitMode: 'poll' | 'webhook';
	technique: string;
	inputs: DraftInput[];
	workspaceId?: string;
	mode: RunMode;
	wait: boolean;
	options: RunOptions;
}

export function prepareRun(context: IExecuteFunctions, itemIndex: number): PreparedRun {
	return {
		technique: readTechnique(context, itemIndex),
		inputs: readInputs(context, itemIndex),
		workspaceId: readWorkspace(context, itemIndex),
		mode: context.getNodeParameter('mode', itemIndex, 'async') === 'stream' ? 'stream' : 'async',
		wait: context.getNodeParameter('waitForCompletion', itemIndex, true) as boolean,
		waitMode: readWaitMode(context, itemIndex),
		options: readRunOptions(context, itemIndex),
	};
}

export interface StartedItemRun {
	techniqueId: string;
	run: Run;
	startedAt: number;
	timedOut: boolean;
}

/** Starts an item's run and waits for it as the item asks; every error after the start names the run. */
export async function runItem(
	context: IExecuteFunctions,
	client: FloraClient,
	item: PreparedRun,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const started = await startItemRun(context, client, item, itemIndex);
	if (!item.wait) return [pendingRunItem(started.run, started.techniqueId, itemIndex)];
	try {
		return await finishRun(context, client, started.techniqueId, started, item.options, itemIndex);
	} catch (error) {
		// A PartlyDone names its run already, and keeps what did download.
		throw afterRunStarted(client.node, error, started.run.run_id, started.techniqueId, itemIndex);
	}
}

/**
 * Starts an item's run (following its event stream in stream mode) and returns it as last
 * seen. A run an earlier try of this node started for the item (Retry On Fail) is collected
 * instead, unless it failed.
 */
export async function startItemRun(
	context: IExecuteFunctions,
	client: FloraClient,
	item: PreparedRun,
	itemIndex: number,
	callbackUrl = item.options.callbackUrl,
): Promise<StartedItemRun> {
	const startedAt = Date.now();
	const deadline = startedAt + item.options.timeoutMs;
	const ledger = RunLedger.of(client);
	const memory = itemRuns(context);
	const fingerprint = fingerprintOf({
		technique: item.technique,
		inputs: item.inputs,
		mode: item.mode,
		callbackUrl: callbackUrl ?? null,
	});
	let remembered = memory[itemIndex]?.fingerprint === fingerprint ? memory[itemIndex] : undefined;
	if (remembered?.runId && remembered.techniqueId) {
		const { runId, techniqueId } = remembered;
		ledger.claim(runId);
		const run = await readRun(client, techniqueId, { run_id: runId }, itemIndex, deadline).catch(
			(error: unknown) => {
				throw afterRunStarted(client.node, error, runId, techniqueId, itemIndex);
			},
		);
		if (run.status !== 'failed') return { techniqueId, run, startedAt, timedOut: false };
		remembered = undefined;
	}

	const technique = await getTechnique(client, item.technique, itemIndex);
	const techniqueId = technique.technique_id;
	const inputs = await resolveInputs(
		context,
		client,
		technique,
		item.inputs,
		item.workspaceId,
		itemIndex,
	);
	const create: ItemCreate = {
		itemIndex,
		techniqueId,
		idempotencyKey:
			remembered?.idempotencyKey ??
			item.options.idempotencyKey ??
			`n8n-${context.getExecutionId() ?? 'manual'}-${itemIndex}-${randomString(16)}`,
		windows: remembered?.windows ?? [],
	};
	memory[itemIndex] = {
		fingerprint,
		idempotencyKey: create.idempotencyKey,
		windows: create.windows,
	};
	const request = {
		techniqueId,
		inputs,
		mode: item.mode,
		callbackUrl,
		idempotencyKey: create.idempotencyKey,
		itemIndex,
		deadline,
	};
	let run: Run | undefined;
	let timedOut = false;
	for (let attempt = 0; run === undefined; attempt++) {
		const started = await startRun(client, request, create);
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
					description: `The run has started in FLORA. Do not run the workflow again: look for it with Run → Get Many (Technique: ${techniqueId}) and collect it with Run → Wait. Switching the Mode to "Async" avoids event streams. Idempotency key: ${create.idempotencyKey}.`,
				},
			);
		}
	}
	memory[itemIndex] = { ...memory[itemIndex], runId: run.run_id, techniqueId };
	return { techniqueId, run, startedAt, timedOut };
}

/**
 * When the node stops at one item's error (no Continue On Fail), the other items' runs that
 * had started go on unreported: the error names them too, so that nothing paid for is lost.
 */
export function namingOtherStartedRuns(context: IExecuteFunctions, error: unknown) {
	const nodeError = asNodeError(context.getNode(), error);
	const named = nodeError.context.runId;
	const others = Object.values(itemRuns(context))
		.map((remembered) => remembered.runId)
		.filter((runId): runId is string => runId !== undefined && runId !== named);
	if (others.length === 0) return nodeError;
	nodeError.description = `${nodeError.description ?? ''}\nThis execution also started these runs, which go on in FLORA and are charged if they complete: ${others.join(', ')}. Collect them with Run → Wait or Run → Get Many (with Retry On Fail the node collects them itself), or set On Error to Continue to get every item's result.`;
	nodeError.context.otherRunIds = others;
	return nodeError;
}
