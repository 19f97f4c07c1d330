import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readRawBody } from '../../shared/rawBody';
import { FLORA_SIGNATURE_HEADER, verifyFloraSignature } from '../../shared/webhookSignature';
import { FloraClient } from '../transport';
import { runFailedError } from '../transport/errors';
import { attachOutputFiles } from './binary';
import type { Run } from './interfaces';
import { isTerminal } from './interfaces';
import { itemErrorJson } from './items';
import { completedRunItems } from './outputs';
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

/** Where the items of a waiting execution are kept: n8n drops the waiting node's own output before its webhook runs. */
const WAITING_ITEMS = 'floraWaitingItems';

/** Keeps the items the node started with (one per input item) in the node's execution context. */
export function rememberWaitingItems(context: IExecuteFunctions, items: INodeExecutionData[]) {
	context.getContext('node')[WAITING_ITEMS] = items.map((item) => item.json);
}

function readWaitingItems(context: IWebhookFunctions): IDataObject[] {
	const name = JSON.stringify(context.getNode().name);
	const items = context.evaluateExpression(`{{ $(${name}).context.${WAITING_ITEMS} }}`, 0);
	if (!Array.isArray(items)) {
		throw new NodeOperationError(
			context.getNode(),
			'This execution holds no FLORA runs to wait for',
			{
				description:
					'The execution data does not list the runs this node started. Run the workflow again.',
			},
		);
	}
	return items as IDataObject[];
}

/**
 * The webhook that resumes a waiting execution. Every callback must carry a valid FLORA
 * signature (anything else is answered 401 and changes nothing). The runs the node started
 * are read again; the execution resumes only once all of them have ended, with the same items
 * the polling path emits.
 */
export async function resumeOnRunCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const response = this.getResponseObject();
	const credentials = await this.getCredentials('floraApi');
	const rawBody = await readRawBody(this);
	const check = verifyFloraSignature({
		rawBody,
		signatureHeader: this.getHeaderData()[FLORA_SIGNATURE_HEADER],
		secret: String(credentials.webhookSecret ?? ''),
	});
	if (!check.valid) {
		response.status(401).json({ error: 'invalid_signature', reason: check.reason });
		return { noWebhookResponse: true };
	}

	const emitted = readWaitingItems(this);
	const client = await FloraClient.create(this);
	const runs = await Promise.all(
		emitted.map(async (item, itemIndex) => {
			const runId = item.run_id;
			const techniqueId = item.technique_id;
			if (
				typeof runId !== 'string' ||
				typeof techniqueId !== 'string' ||
				item.error !== undefined
			) {
				return undefined;
			}
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
	const continueOnFail =
		node.continueOnFail === true || (node.onError !== undefined && node.onError !== 'stopWorkflow');
	const output: INodeExecutionData[] = [];
	for (const [itemIndex, entry] of runs.entries()) {
		if (!entry) {
			output.push({ json: emitted[itemIndex], pairedItem: { item: itemIndex } });
			continue;
		}
		output.push(
			...(await itemsOfEndedRun(
				this,
				client,
				entry.techniqueId,
				entry.run,
				itemIndex,
				continueOnFail,
			)),
		);
	}
	return { workflowData: [output] };
}

async function itemsOfEndedRun(
	context: IWebhookFunctions,
	client: FloraClient,
	techniqueId: string,
	run: Run,
	itemIndex: number,
	continueOnFail: boolean,
): Promise<INodeExecutionData[]> {
	if (run.status === 'failed') {
		const error = runFailedError(client.node, run, techniqueId, itemIndex);
		if (!continueOnFail) throw error;
		return [{ json: itemErrorJson(error), pairedItem: { item: itemIndex } }];
	}
	const options = context.getNodeParameter('options', {}) as IDataObject;
	const outputLayout = options.outputLayout === 'perRun' ? 'perRun' : 'perOutput';
	const downloadInto = options.download ? String(options.binaryPropertyName || 'data') : undefined;
	const items = completedRunItems(run, techniqueId, outputLayout, itemIndex);
	if (!downloadInto) return items;
	return await attachOutputFiles(
		context,
		client,
		items,
		run.outputs ?? [],
		outputLayout,
		downloadInto,
		itemIndex,
	);
}
