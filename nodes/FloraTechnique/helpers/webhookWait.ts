import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, randomString } from 'n8n-workflow';

import type { FloraClient } from '../../shared/flora/client';
import { afterRunStarted } from '../../shared/flora/errors';
import type { FinishOptions } from './finishRun';
import { finishRun, timedOutRunItem } from './finishRun';
import type { Run } from '../../shared/flora/types';
import { itemErrorJson, mapItems } from '../../shared/items';
import type { WaitOptions } from './params';
import type { TechniqueRuns } from './runHistory';
import { readEndedRuns } from './runHistory';

export function readWaitMode(context: IExecuteFunctions, itemIndex: number): 'poll' | 'webhook' {
	return context.getNodeParameter('waitMode', itemIndex, 'poll') === 'webhook' ? 'webhook' : 'poll';
}

/**
 * FLORA only calls public HTTPS URLs and the callback must be verifiable: both are checked
 * before any run is started. Returns this execution's resume URL.
 */
export async function checkResumeTarget(context: IExecuteFunctions): Promise<string> {
	const node = context.getNode();
	const options = context.getNodeParameter('options', 0, {}) as IDataObject;
	if (typeof options.callbackUrl === 'string' && options.callbackUrl.trim() !== '') {
		throw new NodeOperationError(node, 'Callback URL cannot be combined with waiting by webhook', {
			description:
				'In "Wait By: Webhook" the node sets the callback to this execution. Remove the Callback URL option, or wait by polling.',
		});
	}
	const credentials = await context.getCredentials('floraApi');
	if (typeof credentials.webhookSecret !== 'string' || credentials.webhookSecret.trim() === '') {
		throw new NodeOperationError(node, 'Waiting by webhook needs the webhook signing secret', {
			description:
				"Copy the workspace's signing secret (whsec_…) from FLORA's webhook settings into the FLORA API credential, so the node can tell FLORA's callbacks from forgeries. Or set \"Wait By\" to Polling.",
		});
	}
	const resumeUrl = String(context.evaluateExpression('{{ $execution.resumeUrl }}', 0) ?? '');
	// A hidden credential field that only this package's tests set: FLORA itself never calls http://.
	const allowHttp = credentials.allowHttpCallbacksForTests === true;
	if (!resumeUrl.startsWith('https://') && !(allowHttp && resumeUrl.startsWith('http://'))) {
		throw new NodeOperationError(
			node,
			'FLORA cannot call this n8n back: its resume URL is not HTTPS',
			{
				description: `The resume URL is "${resumeUrl}". FLORA only calls public HTTPS addresses. Set n8n's WEBHOOK_URL to the public HTTPS address of this n8n (for example behind a reverse proxy or tunnel), or set "Wait By" to Polling.`,
			},
		);
	}
	return resumeUrl;
}

/** The run an item of the waiting node stands for: none for an item whose run did not start. */
export function startedRunOf(
	json: IDataObject,
): { runId: string; techniqueId: string } | undefined {
	const { run_id: runId, technique_id: techniqueId, error } = json;
	if (typeof runId !== 'string' || typeof techniqueId !== 'string' || error !== undefined) {
		return undefined;
	}
	return { runId, techniqueId };
}

/**
 * Where a waiting execution keeps what its webhook and its resumed run need: n8n drops the
 * waiting node's own output before the webhook runs, and item parameters cannot be resolved
 * there.
 */
export const WAITING_STATE = 'floraWaiting';

export interface WaitingState {
	/** Names this wait, so a process resumes it once (see runCallback.ts). */
	waitId: string;
	/** The items the node started with, one per input item: a pending run or an error item. */
	items: IDataObject[];
	output: Pick<FinishOptions, 'outputLayout' | 'downloadInto'>;
	concurrency: number;
	timeoutMs: number;
	pollIntervalMs?: number;
}

/** Keeps the started runs and the (already checked) options in the node's execution context. */
export function rememberWaitingItems(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	options: FinishOptions & { concurrency: number },
) {
	const state: WaitingState = {
		waitId: randomString(16),
		items: items.map((item) => item.json),
		output: { outputLayout: options.outputLayout, downloadInto: options.downloadInto },
		concurrency: options.concurrency,
		timeoutMs: options.timeoutMs,
		pollIntervalMs: options.pollIntervalMs,
	};
	context.getContext('node')[WAITING_STATE] = state;
}

/** The runs of a waiting state, by technique, for reads of the run history. */
export function runsByTechnique(items: IDataObject[]): TechniqueRuns[] {
	const byTechnique = new Map<string, TechniqueRuns>();
	for (const item of items) {
		const started = startedRunOf(item);
		if (!started) continue;
		const entry = byTechnique.get(started.techniqueId) ?? {
			techniqueId: started.techniqueId,
			runIds: new Set<string>(),
			oldestCreatedAt: Infinity,
		};
		entry.runIds.add(started.runId);
		const createdAt = Number(item.created_at);
		if (Number.isFinite(createdAt))
			entry.oldestCreatedAt = Math.min(entry.oldestCreatedAt, createdAt);
		byTechnique.set(started.techniqueId, entry);
	}
	return [...byTechnique.values()].map((entry) => ({
		...entry,
		oldestCreatedAt: Number.isFinite(entry.oldestCreatedAt) ? entry.oldestCreatedAt : 0,
	}));
}

/**
 * Sets what the execution continues with if the wait time runs out before every run has
 * ended. n8n then resumes without running this node and passes the node's input on, as it
 * does for its own Wait node; so the waiting input is swapped for the items "On Timeout" asks
 * for: each unfinished run marked `timed_out`, or an error item naming it. A callback that
 * resumes the execution replaces this input with the webhook's items, so only a timeout
 * passes these on.
 */
export function passOnWhenTheWaitTimesOut(
	context: IExecuteFunctions,
	started: INodeExecutionData[],
	options: Pick<WaitOptions, 'onTimeout' | 'timeoutMs'>,
) {
	const node = context.getNode();
	const items = started.map((item, itemIndex) => {
		const startedRun = startedRunOf(item.json);
		if (!startedRun) return item;
		const { techniqueId } = startedRun;
		const timedOut = timedOutRunItem(node, item.json as Run, techniqueId, options, itemIndex);
		return timedOut instanceof Error
			? { json: itemErrorJson(timedOut), pairedItem: { item: itemIndex } }
			: timedOut;
	});
	// The entry n8n keeps on its execution stack and saves with the waiting execution. Its
	// `data` is replaced, not changed in place: the arrays are the previous node's output.
	const waiting = context.getExecuteData();
	waiting.data = { ...waiting.data, main: [items] };
}

/** The key resume items carry: the node runs again on them to collect its ended runs. */
export const RESUME_MARK = '__floraResume';

/**
 * The items a callback resumes the execution with: the waiting items in item order, marked
 * for the node to collect their runs when it runs again on them.
 */
export function resumeItems(state: WaitingState, marked: boolean): INodeExecutionData[] {
	return state.items.map((json, itemIndex) => ({
		json: marked ? { ...json, [RESUME_MARK]: state.waitId } : json,
		pairedItem: { item: itemIndex },
	}));
}

/** The waiting state, when the node runs again on the items a callback resumed it with. */
export function resumedWait(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
): WaitingState | undefined {
	const state = context.getContext('node')[WAITING_STATE] as WaitingState | undefined;
	if (!state || items.length === 0) return undefined;
	return items.every((item) => item.json[RESUME_MARK] === state.waitId) ? state : undefined;
}

/**
 * After every run of a webhook wait has ended: reads them from the run history (a few list
 * reads, not one per run) and turns each item into its results as polling would, with
 * downloads, Continue On Fail and the node's own error when a run failed. Starts no run.
 */
export async function collectWaitedRuns(
	context: IExecuteFunctions,
	client: FloraClient,
	state: WaitingState,
): Promise<INodeExecutionData[]> {
	const deadline = Date.now() + Math.max(state.timeoutMs, 60_000);
	const ended = new Map<string, Run>();
	const unread = new Map<string, Error>();
	for (const runs of runsByTechnique(state.items)) {
		try {
			const found = await readEndedRuns(client, runs, { retryUntil: deadline });
			for (const [runId, run] of found) ended.set(runId, run);
		} catch (error) {
			for (const runId of runs.runIds) unread.set(runId, error as Error);
		}
	}
	const options: FinishOptions = {
		...state.output,
		timeoutMs: state.timeoutMs,
		onTimeout: 'error',
		pollIntervalMs: state.pollIntervalMs,
	};
	const output = await mapItems(
		context,
		state.items,
		async (json, itemIndex) => {
			const started = startedRunOf(json);
			if (!started) return [{ json: withoutMark(json), pairedItem: { item: itemIndex } }];
			const { runId, techniqueId } = started;
			const failure = unread.get(runId);
			if (failure) throw afterRunStarted(client.node, failure, runId, techniqueId, itemIndex);
			const run = ended.get(runId) ?? (withoutMark(json) as Run);
			try {
				// A run that has not ended after all (never, unless FLORA's history lags) is waited for.
				return await finishRun(
					context,
					client,
					techniqueId,
					{ run, startedAt: Date.now() },
					options,
					itemIndex,
				);
			} catch (error) {
				throw afterRunStarted(client.node, error, runId, techniqueId, itemIndex);
			}
		},
		state.concurrency,
	);
	delete context.getContext('node')[WAITING_STATE];
	return output;
}

function withoutMark(json: IDataObject): IDataObject {
	const copy = { ...json };
	delete copy[RESUME_MARK];
	return copy;
}
