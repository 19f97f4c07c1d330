import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError, randomString } from 'n8n-workflow';

import type { Pace } from '../flora/pace';
import type { Run } from '../flora/types';
import { itemErrorJson, mapItems } from '../items';
import { timedOutRunItem } from './finish';
import type { RunKind } from './kind';
import { historyKey } from './kind';
import { namingOtherStartedRuns } from './itemRun';
import type { FinishOptions, WaitOptions } from './options';
import type { RunGroup } from './history';
import { pendingRunItem } from './outputs';
import { refusedByFlora } from './publicAddress';

/**
 * FLORA only calls public HTTPS URLs and the callback must be verifiable: both are checked
 * before any run is started. Returns this execution's resume URL.
 */
export async function checkResumeTarget(
	context: IExecuteFunctions,
	callbackUrl: string | undefined,
): Promise<string> {
	const node = context.getNode();
	if (callbackUrl) {
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
	const refused = refusedByFlora(resumeUrl);
	const fix = `Set n8n's WEBHOOK_URL to the public HTTPS address of this n8n (for example behind a reverse proxy or tunnel) on every n8n process that runs workflows: in queue mode the workers too, since the process that runs this node computes the resume URL. Or set "Wait By" to Polling.`;
	if (refused?.reason === 'notHttps') {
		throw new NodeOperationError(
			node,
			'FLORA cannot call this n8n back: its resume URL is not HTTPS',
			{
				description: `The resume URL is "${resumeUrl}". FLORA only calls public HTTPS addresses. ${fix}`,
			},
		);
	}
	if (refused?.reason === 'localOrPrivate') {
		throw new NodeOperationError(
			node,
			`FLORA cannot call this n8n back: its resume URL points to ${refused.host}`,
			{
				description: `The resume URL is "${resumeUrl}". FLORA refuses callback addresses on localhost and on loopback, private or link-local IP addresses. ${fix}`,
			},
		);
	}
	return resumeUrl;
}

/** A run an item of a waiting execution started. */
export interface StartedRef {
	runId: string;
	kind: RunKind;
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
	items: INodeExecutionData['json'][];
	/** The run each item started (null for an item whose run did not start). */
	runs: Array<StartedRef | null>;
	output: Pick<FinishOptions, 'outputLayout' | 'downloadInto'>;
	concurrency: number;
	timeoutMs: number;
	pollIntervalMs?: number;
}

/** The runs of a waiting state, by the history that lists them, for list reads. */
export function runGroupsOf(state: WaitingState, except?: string): RunGroup[] {
	const groups = new Map<string, RunGroup>();
	state.runs.forEach((ref, itemIndex) => {
		if (!ref || ref.runId === except) return;
		const key = historyKey(ref.kind);
		const group = groups.get(key) ?? {
			kind: ref.kind,
			runIds: new Set(),
			oldestCreatedAt: Infinity,
		};
		group.runIds.add(ref.runId);
		const createdAt = Number(state.items[itemIndex].created_at);
		if (Number.isFinite(createdAt))
			group.oldestCreatedAt = Math.min(group.oldestCreatedAt, createdAt);
		groups.set(key, group);
	});
	return [...groups.values()].map((group) => ({
		...group,
		oldestCreatedAt: Number.isFinite(group.oldestCreatedAt) ? group.oldestCreatedAt : 0,
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
function passOnWhenTheWaitTimesOut(
	context: IExecuteFunctions,
	state: WaitingState,
	options: Pick<WaitOptions, 'onTimeout' | 'timeoutMs'>,
) {
	const node = context.getNode();
	const items = state.items.map((json, itemIndex) => {
		const ref = state.runs[itemIndex];
		if (!ref) return { json, pairedItem: { item: itemIndex } };
		const timedOut = timedOutRunItem(node, json as Run, ref.kind, options, itemIndex);
		return timedOut instanceof Error
			? { json: itemErrorJson(timedOut), pairedItem: { item: itemIndex } }
			: timedOut;
	});
	// The entry n8n keeps on its execution stack and saves with the waiting execution. Its
	// `data` is replaced, not changed in place: the arrays are the previous node's output.
	const waiting = context.getExecuteData();
	waiting.data = { ...waiting.data, main: [items] };
}

/**
 * Wait by webhook: every item's run is started with this execution's resume URL as its
 * callback, then the execution is put to wait so that no worker is held. The node's webhook
 * method (runCallback.ts) resumes it once every run has ended; if the timeout passes first,
 * n8n resumes it with what "On Timeout" asks for. Items whose run could not start keep their
 * error item (under Continue On Fail).
 */
export async function startAndWaitByWebhook<T>(
	context: IExecuteFunctions,
	entries: T[],
	start: (entry: T, itemIndex: number) => Promise<{ run: Run; kind: RunKind }>,
	options: FinishOptions & { concurrency: number },
	pace?: Pace,
): Promise<INodeExecutionData[]> {
	const runs: WaitingState['runs'] = entries.map(() => null);
	const items = await mapItems(
		context,
		entries,
		async (entry, itemIndex) => {
			const { run, kind } = await start(entry, itemIndex);
			runs[itemIndex] = { runId: run.run_id, kind };
			return [pendingRunItem(run, kind, itemIndex)];
		},
		options.concurrency,
		pace,
	).catch((error: unknown) => {
		throw namingOtherStartedRuns(context, error);
	});
	if (runs.every((ref) => ref === null)) return items;
	const state: WaitingState = {
		waitId: randomString(16),
		items: items.map((item) => item.json),
		runs,
		output: { outputLayout: options.outputLayout, downloadInto: options.downloadInto },
		concurrency: options.concurrency,
		timeoutMs: options.timeoutMs,
		pollIntervalMs: options.pollIntervalMs,
	};
	context.getContext('node')[WAITING_STATE] = state;
	await context.putExecutionToWait(new Date(Date.now() + options.timeoutMs));
	passOnWhenTheWaitTimesOut(context, state, options);
	return items;
}
