import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { verifyFloraCall } from '../../shared/webhookCall';
import { FloraClient } from '../transport';
import type { FinishOptions } from './finishRun';
import { endedRunOutput, timedOutRunItem } from './finishRun';
import type { Run } from './interfaces';
import { isTerminal } from './interfaces';
import type { ItemErrorPolicy } from './items';
import { itemErrorJson, mapItems } from './items';
import type { WaitOptions } from './params';
import { readRun } from './wait';

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
 * Where a waiting execution keeps what its webhook needs: n8n drops the waiting node's own
 * output before the webhook runs, and item parameters cannot be resolved there.
 */
const WAITING_STATE = 'floraWaiting';

interface WaitingState {
	/** The items the node started with, one per input item: a pending run or an error item. */
	items: IDataObject[];
	output: Pick<FinishOptions, 'outputLayout' | 'downloadInto'>;
}

/** Keeps the started runs and the (already checked) output options in the node's execution context. */
export function rememberWaitingItems(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	output: WaitingState['output'],
) {
	const state: WaitingState = { items: items.map((item) => item.json), output };
	context.getContext('node')[WAITING_STATE] = state;
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

function readWaitingState(context: IWebhookFunctions): WaitingState {
	const name = JSON.stringify(context.getNode().name);
	const state = context.evaluateExpression(`{{ $(${name}).context.${WAITING_STATE} }}`, 0) as
		| WaitingState
		| undefined;
	if (!Array.isArray(state?.items)) {
		throw new NodeOperationError(
			context.getNode(),
			'This execution holds no FLORA runs to wait for',
			{
				description:
					'The execution data does not list the runs this node started. Run the workflow again.',
			},
		);
	}
	return state;
}

/**
 * The webhook that resumes a waiting execution. Every callback must carry a valid FLORA
 * signature (anything else is answered 401 and changes nothing). The runs the node started
 * are read again; the execution resumes only once all of them have ended, with the same items
 * the polling path emits.
 */
export async function resumeOnRunCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const response = this.getResponseObject();
	const { check } = await verifyFloraCall(this);
	if (!check.valid) {
		response.status(401).json({ error: 'invalid_signature', reason: check.reason });
		return { noWebhookResponse: true };
	}

	const { items: emitted, output: outputOptions } = readWaitingState(this);
	const client = await FloraClient.create(this);
	const runs = await Promise.all(
		emitted.map(async (item, itemIndex) => {
			const startedRun = startedRunOf(item);
			if (!startedRun) return undefined;
			const { runId, techniqueId } = startedRun;
			return { techniqueId, run: await readRun(client, techniqueId, { run_id: runId }, itemIndex) };
		}),
	);
	const pending = runs.filter((entry) => entry !== undefined && !isTerminal(entry.run.status));
	if (pending.length > 0) {
		response
			.status(202)
			.json({ received: true, waiting_for: pending.map((entry) => entry!.run.run_id) });
		return { noWebhookResponse: true };
	}

	const node = this.getNode();
	// Webhook functions have no continueOnFail(): the node's settings say the same.
	const itemErrors: ItemErrorPolicy = {
		getNode: () => node,
		continueOnFail: () =>
			node.continueOnFail === true ||
			(node.onError !== undefined && node.onError !== 'stopWorkflow'),
	};
	const output = await mapItems(itemErrors, runs, async (entry, itemIndex) => {
		if (!entry) return [{ json: emitted[itemIndex], pairedItem: { item: itemIndex } }];
		return await endedRunOutput(
			this,
			client,
			entry.run,
			entry.techniqueId,
			outputOptions,
			itemIndex,
		);
	});
	return { workflowData: [output] };
}
