/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * Executions that wait for a webhook, as n8n runs them: the workflow runs until a node puts it
 * to wait; a loopback HTTP server stands in for n8n's /webhook-waiting/<executionId> endpoint
 * (named https://n8n.flora.test:<port>/webhook-waiting: publicHost.ts) and, for each call, does what n8n's WaitingWebhooks service does with a fresh copy of the
 * saved execution: it disables the waiting node, clears waitTill, hands the request to the
 * node's webhook() through n8n-core's WebhookContext, and resumes the execution with the items
 * the node returns (or keeps it waiting when it returns none). When the wait time passes, the
 * execution is resumed the way n8n's WaitTracker does.
 *
 * As in n8n 2.41: a call for an execution that is running again already is refused with 409;
 * of two calls that both return workflowData, only the first resumes (n8n's update is
 * conditional on the status `waiting`), the other is answered 500 unless the node answered
 * it itself. A webhook() that throws gets a 500, and n8n then resumes anyway with one empty
 * item through the disabled node, recording the error as the execution's.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INodeExecutionData,
	IRun,
	IRunExecutionData,
	IWebhookData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWebhookResponseData,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import type { WorkflowResult } from './engine';
import { buildAdditionalData, deferred, loadPackage, startWorkflow, toResult } from './engine';
import { publicUrl } from './publicHost';

export interface WaitingCall {
	status: number;
	body: unknown;
	/** Whether this call resumed the execution. */
	resumed: boolean;
	/** Whether the node asked to resume (returned workflowData), whether or not n8n let it. */
	resumeAsked: boolean;
}

export interface WaitingExecution {
	/** The base of resume URLs (n8n's webhookWaitingBaseUrl): https://n8n.flora.test:<port>/webhook-waiting. */
	baseUrl: string;
	/** The first part of the execution: ends when the node puts it to wait (or when it finishes). */
	firstPart: Promise<WorkflowResult>;
	/** The execution once resumed and finished. */
	final: Promise<WorkflowResult>;
	calls: WaitingCall[];
	/** Resume as n8n's WaitTracker does when the wait time has passed. */
	expireWait(): Promise<WorkflowResult>;
	close(): Promise<void>;
}

export async function startWaitingExecution(
	workflowData: IWorkflowBase,
	options: {
		credentials: Record<string, ICredentialDataDecryptedObject>;
		triggerItems?: IDataObject[];
	},
): Promise<WaitingExecution> {
	const { nodeTypes } = await loadPackage();
	const calls: WaitingCall[] = [];
	const final = deferred<WorkflowResult>();
	let saved: IRun | undefined;
	let finished = false;
	/** Set when a resume starts: the execution is running again. */
	let resumedAlready = false;

	const server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			void handleCall(req.method ?? 'GET', req.headers, Buffer.concat(chunks), req.url ?? '/')
				.then(({ status, body, resumed, resumeAsked }) => {
					calls.push({ status, body, resumed, resumeAsked: resumeAsked ?? false });
					res.writeHead(status, { 'content-type': 'application/json' });
					res.end(JSON.stringify(body ?? {}));
				})
				.catch((error: Error) => {
					calls.push({
						status: 500,
						body: { message: error.message },
						resumed: false,
						resumeAsked: false,
					});
					res.writeHead(500, { 'content-type': 'application/json' });
					res.end(JSON.stringify({ message: error.message }));
				});
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const baseUrl = publicUrl(
		`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook-waiting`,
	);

	const running = startWorkflow(workflowData, {
		credentials: options.credentials,
		triggerItems: options.triggerItems,
		webhookWaitingBaseUrl: baseUrl,
	});
	const firstPart = running.result.then((result) => {
		if (result.status === 'waiting') {
			saved = result.run;
		} else {
			finished = true;
			final.resolve(result);
		}
		return result;
	});

	const additionalData = (): IWorkflowExecuteAdditionalData =>
		buildAdditionalData(options.credentials, workflowData, 'webhook', running.executionId, baseUrl);

	const workflowOf = () =>
		new Workflow({
			id: workflowData.id ?? 'test-workflow',
			name: workflowData.name,
			nodes: JSON.parse(JSON.stringify(workflowData.nodes)),
			connections: workflowData.connections,
			active: false,
			nodeTypes,
			settings: workflowData.settings,
		});

	async function resume(data: IRunExecutionData): Promise<WorkflowResult> {
		const run = await runToEnd(workflowOf(), additionalData(), data);
		const result = toResult(run);
		finished = true;
		final.resolve(result);
		return result;
	}

	async function handleCall(
		method: string,
		headers: IDataObject,
		rawBody: Buffer,
		url: string,
	): Promise<Omit<WaitingCall, 'resumeAsked'> & { resumeAsked?: boolean }> {
		await firstPart;
		if (!saved || finished || resumedAlready) {
			return { status: 409, body: { message: 'The execution is not waiting' }, resumed: false };
		}
		const executionId = url.split('?')[0].split('/').filter(Boolean).pop();
		if (executionId !== running.executionId) {
			return {
				status: 404,
				body: { message: `No waiting execution ${executionId}` },
				resumed: false,
			};
		}
		const data = JSON.parse(JSON.stringify(saved.data)) as IRunExecutionData;
		const nodeName = data.resultData.lastNodeExecuted as string;
		const stackEntry = data.executionData!.nodeExecutionStack[0];
		stackEntry.node.disabled = true;
		data.waitTill = undefined;
		// n8n drops the waiting node's own output before its webhook runs (1.x pops it; 2.x's
		// preserveInputOverride does the same while keeping the input override).
		data.resultData.runData[nodeName]?.pop();

		const workflow = workflowOf();
		const node = workflow.getNode(nodeName)!;
		const nodeType = workflow.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		const description = nodeType.description.webhooks?.find(
			(webhook) => webhook.restartWebhook === true,
		);
		if (!description || !nodeType.webhook) {
			return {
				status: 404,
				body: { message: 'The waiting node has no resume webhook' },
				resumed: false,
			};
		}
		const webhookData: IWebhookData = {
			httpMethod: 'POST',
			node: nodeName,
			path: '',
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData(),
		};
		const response = new CapturedResponse();
		let body: unknown;
		try {
			body = JSON.parse(rawBody.toString('utf8'));
		} catch {
			body = {};
		}
		const request = { method, headers, body, rawBody, query: {}, params: {}, url };
		const additional = {
			...additionalData(),
			httpRequest: request,
			httpResponse: response,
		} as unknown as IWorkflowExecuteAdditionalData;
		const context = new WebhookContext(
			workflow,
			node,
			additional,
			'webhook',
			webhookData,
			[],
			data,
		);
		let outcome: IWebhookResponseData;
		try {
			outcome = await nodeType.webhook.call(context);
		} catch (error) {
			// n8n answers 500 at once, then goes on as if the webhook had returned one empty item,
			// with the error recorded as the execution's (replacing the earlier run data).
			if (resumedAlready) return { status: 500, body: { message: WEBHOOK_ERROR }, resumed: false };
			resumedAlready = true;
			data.resultData = { runData: {}, error: error as IRunExecutionData['resultData']['error'] };
			stackEntry.data.main = [[{ json: {} }]];
			void resume(data);
			return { status: 500, body: { message: WEBHOOK_ERROR }, resumed: true };
		}
		if (outcome.workflowData === undefined) {
			return { status: response.statusCode, body: response.body, resumed: false };
		}
		const answer = (status: number, body: unknown) =>
			outcome.noWebhookResponse
				? { status: response.statusCode, body: response.body }
				: { status, body };
		if (resumedAlready) {
			// Another call resumed the execution meanwhile: n8n's conditional update fails.
			return {
				...answer(500, { message: 'There was a problem executing the workflow' }),
				resumed: false,
				resumeAsked: true,
			};
		}
		resumedAlready = true;
		stackEntry.data.main = outcome.workflowData as INodeExecutionData[][];
		void resume(data);
		// The webhook description names no responseData: n8n answers this literal text.
		return { ...answer(200, 'firstEntryJson'), resumed: true, resumeAsked: true };
	}

	return {
		baseUrl,
		firstPart,
		final: final.promise,
		calls,
		async expireWait() {
			await firstPart;
			if (!saved || finished) throw new Error('The execution is not waiting');
			// WaitTracker resumes with waitTill still set: WorkflowExecute disables the node itself.
			return await resume(JSON.parse(JSON.stringify(saved.data)) as IRunExecutionData);
		},
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}

/** n8n's answer when a node's webhook() throws. */
const WEBHOOK_ERROR = 'Workflow Webhook Error: Workflow could not be started!';

async function runToEnd(
	workflow: Workflow,
	additionalData: IWorkflowExecuteAdditionalData,
	data: IRunExecutionData,
): Promise<IRun> {
	const done = deferred<IRun>();
	additionalData.hooks!.addHandler('workflowExecuteAfter', (run) => done.resolve(run));
	const execution = new WorkflowExecute(additionalData, 'webhook', data).processRunExecutionData(
		workflow,
	);
	return await Promise.race([done.promise, execution.then(() => done.promise)]);
}

/** The parts of express's Response that nodes use to answer a webhook themselves. */
class CapturedResponse {
	statusCode = 200;

	body: unknown;

	headers: Record<string, string> = {};

	status(code: number) {
		this.statusCode = code;
		return this;
	}

	json(body: unknown) {
		this.body = body;
		return this;
	}

	send(body: unknown) {
		this.body = body;
		return this;
	}

	end(body?: unknown) {
		if (body !== undefined) this.body = body;
		return this;
	}

	setHeader(name: string, value: string) {
		this.headers[name.toLowerCase()] = value;
		return this;
	}

	writeHead(code: number, headers?: Record<string, string>) {
		this.statusCode = code;
		Object.assign(this.headers, headers ?? {});
		return this;
	}
}
