/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * Delivers real HTTP calls to a webhook trigger through n8n-core, the way n8n's webhook
 * server does (packages/cli/src/webhooks: `WebhookService.runWebhook` and
 * `webhook-helpers.ts` `executeWebhook`): a loopback HTTP server stands in for n8n's
 * `/webhook/…` endpoint; each POST gets the request object n8n builds (raw body read into
 * `rawBody`, JSON parsed into `body`, headers, query, params), the trigger's `webhook()` runs
 * in n8n-core's real `WebhookContext`, the HTTP answer follows n8n's rules, and a returned
 * `workflowData` starts the workflow in n8n-core's WorkflowExecute the way
 * `prepareExecutionData` does: the trigger first on the execution stack, carrying what its
 * webhook() returned as its data.
 *
 * Static data lives in a stand-in for the database, as in n8n 2.41's LiveWebhooks: each call
 * builds its own `Workflow` from the stored static data (so calls at the same moment see the
 * same old state), and saves it when the node changed it, in n8n 2.41's order. When the node
 * lets n8n answer after starting the workflow (`workflowData` without `noWebhookResponse`),
 * `WorkflowRunner.run` first builds a second `Workflow` from the same static-data object
 * (`establishContextForPersistence`), which resets the changed mark before the save: the
 * change is lost unless nothing was stored yet.
 */
import {
	createServer,
	type IncomingHttpHeaders,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

import { WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	INode,
	INodeExecutionData,
	INodeType,
	IRun,
	IWebhookData,
	IWebhookDescription,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { createRunExecutionData, Workflow } from 'n8n-workflow';

import type { NodeTypeRegistry, WorkflowResult } from './engine';
import { buildAdditionalData, loadPackage, toResult } from './engine';
import { publicUrl } from './publicHost';

export interface WebhookDelivery {
	/** HTTP status the receiver answered. */
	status: number;
	/** The request body exactly as received. */
	body: string;
	/** The request headers as received (lower-case names). */
	headers: IncomingHttpHeaders;
	/** The answer's body (parsed when JSON). */
	response: unknown;
	/** Whether the call started an execution. */
	executed: boolean;
	/** The error the node's webhook() threw, or that kept the execution from running. */
	error?: Error;
}

export interface WebhookReceiver {
	/** The loopback URL the tests POST to themselves (forged calls, replays). */
	url: string;
	/** The same listener by its public name, for FLORA's callback_url (publicHost.ts). */
	publicUrl: string;
	deliveries: WebhookDelivery[];
	/** Results of the executions started, in the order they finished. */
	executions: WorkflowResult[];
	/** The trigger node's static data (what n8n keeps between calls). */
	staticData(): IDataObject;
	/** Resolves when every call in progress has been answered and every started execution has finished. */
	idle(): Promise<void>;
	close(): Promise<void>;
}

export interface WebhookReceiverOptions {
	/** The trigger node's name; default: the first node whose type has a webhook() method. */
	triggerNode?: string;
	/** n8n's execution mode for production webhooks is 'webhook'; the editor's listening is 'manual'. */
	mode?: WorkflowExecuteMode;
}

const PATH_PREFIX = '/webhook/';

/** n8n's answer when a node's webhook() throws (`_privateGetWebhookErrorMessage`). */
const WEBHOOK_ERROR = 'Workflow Webhook Error: Workflow could not be started!';

export async function startWebhookReceiver(
	workflowFixture: IWorkflowBase,
	credentials: Record<string, ICredentialDataDecryptedObject>,
	options: WebhookReceiverOptions = {},
): Promise<WebhookReceiver> {
	const { nodeTypes } = await loadPackage();
	const mode = options.mode ?? 'webhook';
	/** The workflow's static data as the database holds it (null: never saved). */
	let storedStaticData: string | null =
		workflowFixture.staticData === undefined ? null : JSON.stringify(workflowFixture.staticData);
	const workflowFrom = (staticData: IDataObject | undefined) =>
		new Workflow({
			id: workflowFixture.id ?? 'test-workflow',
			name: workflowFixture.name,
			nodes: workflowFixture.nodes,
			connections: workflowFixture.connections,
			active: true,
			nodeTypes,
			settings: workflowFixture.settings,
			staticData,
		});
	const node = findTrigger(workflowFrom(undefined), options.triggerNode);
	const nodeType = nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
	const description = nodeType.description.webhooks?.[0];
	if (!description || typeof nodeType.webhook !== 'function') {
		throw new Error(`Node "${node.name}" has no webhook`);
	}
	const path = `${PATH_PREFIX}${node.webhookId ? `${node.webhookId}/` : ''}${String(description.path)}`;

	const deliveries: WebhookDelivery[] = [];
	const executions: WorkflowResult[] = [];
	const running = new Set<Promise<unknown>>();

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		// As LiveWebhooks.executeWebhook does: a Workflow from the stored static data, read from
		// the database when the call arrives (calls arriving together all read the same state).
		const loaded = await databaseRound(() =>
			storedStaticData === null ? undefined : (JSON.parse(storedStaticData) as IDataObject),
		);
		const workflow = workflowFrom(loaded);
		const saveStaticData = () => {
			if (workflow.staticData.__dataChanged === true) {
				storedStaticData = JSON.stringify(workflow.staticData);
			}
		};
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const rawBody = await readAll(req);
		if (req.method !== description.httpMethod || url.pathname !== path) {
			answer(res, 404, {
				code: 404,
				message: `The requested webhook "${req.method} ${url.pathname}" is not registered.`,
			});
			return;
		}
		const delivery: WebhookDelivery = {
			status: 0,
			body: rawBody.toString('utf8'),
			headers: req.headers,
			response: undefined,
			executed: false,
		};
		deliveries.push(delivery);

		const request = asN8nRequest(req, rawBody, url);
		if (request.problem) {
			// n8n's body parser refuses what it cannot parse before any node runs.
			finish(delivery, res, 422, {
				code: 422,
				message: 'Failed to parse request body',
				hint: request.problem,
			});
			return;
		}

		const written = captureBody(res);
		const additionalData = webhookAdditionalData(credentials, workflowFixture, req, res);
		const webhookData: IWebhookData = {
			httpMethod: description.httpMethod as IWebhookData['httpMethod'],
			node: node.name,
			path: String(description.path),
			webhookDescription: description as IWebhookDescription,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: node.webhookId,
			isTest: mode === 'manual',
		};
		const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);
		let result: IWebhookResponseData;
		try {
			result = await (nodeType.webhook as NonNullable<INodeType['webhook']>).call(context);
		} catch (error) {
			delivery.error = error as Error;
			finish(delivery, res, 500, { code: 0, message: WEBHOOK_ERROR });
			return;
		}

		// handleImmediateWebhookResponse: the node may have answered itself.
		if (result.noWebhookResponse === true) {
			// n8n would leave the caller waiting on a node that forgot to end; a test should not hang.
			if (!res.writableEnded) res.end();
			delivery.status = res.statusCode;
			delivery.response = written();
		}
		const responseCode =
			typeof description.responseCode === 'number' ? description.responseCode : 200;
		if (result.workflowData === undefined) {
			saveStaticData();
			if (!result.noWebhookResponse) {
				finish(
					delivery,
					res,
					responseCode,
					result.webhookResponse !== undefined
						? result.webhookResponse
						: { message: 'Webhook call received' },
				);
			}
			return;
		}

		// responseMode 'onReceived': with noWebhookResponse the response callback (and the save)
		// comes before the run; otherwise n8n 2.41 starts the run first, whose
		// establishContextForPersistence builds a second Workflow over the same static data.
		if (result.noWebhookResponse) saveStaticData();
		else {
			workflowFrom(loaded);
			saveStaticData();
		}
		delivery.executed = true;
		const execution = executeFromTrigger({
			workflowData: workflowFixture,
			nodeTypes,
			triggerName: node.name,
			triggerOutput: result.workflowData,
			credentials,
			mode,
		}).then(
			(executionResult) => {
				executions.push(executionResult);
			},
			(error: Error) => {
				delivery.error = error;
			},
		);
		running.add(execution);
		void execution.then(() => running.delete(execution));
		if (!result.noWebhookResponse) {
			// The webhook description names no responseData: n8n answers this literal text.
			finish(delivery, res, responseCode, 'firstEntryJson');
		}
	};

	const server: Server = createServer((req, res) => {
		const call = handle(req, res).catch((error: Error) => {
			if (!res.headersSent) answer(res, 500, { message: error.message });
			else res.end();
		});
		running.add(call);
		void call.then(() => running.delete(call));
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	const idle = async () => {
		while (running.size > 0) await Promise.allSettled([...running]);
	};
	return {
		url: `http://127.0.0.1:${port}${path}`,
		publicUrl: publicUrl(`http://127.0.0.1:${port}${path}`),
		deliveries,
		executions,
		staticData: () => {
			const stored = storedStaticData === null ? {} : (JSON.parse(storedStaticData) as IDataObject);
			return (stored[`node:${node.name}`] as IDataObject | undefined) ?? {};
		},
		idle,
		async close() {
			await idle();
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** A query to n8n's database: it answers a moment later, as a real one does. */
async function databaseRound<T>(query: () => T): Promise<T> {
	const value = query();
	await new Promise((resolve) => setTimeout(resolve, DATABASE_LATENCY_MS));
	return value;
}
const DATABASE_LATENCY_MS = 5;

function findTrigger(workflow: Workflow, name?: string): INode {
	const nodes = Object.values(workflow.nodes);
	const node = name
		? workflow.getNode(name)
		: nodes.find((candidate) => {
				const type = workflow.nodeTypes.getByNameAndVersion(candidate.type, candidate.typeVersion);
				return typeof type.webhook === 'function';
			});
	if (!node) throw new Error(`The workflow has no webhook trigger${name ? ` named ${name}` : ''}`);
	return node;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/**
 * The request object n8n hands a webhook node: the IncomingMessage with what n8n's
 * `rawBodyReader`/`parseBody` middleware and express add (`rawBody`, `readRawBody`,
 * `contentType`, `encoding`, `body`, `query`, `params`).
 */
function asN8nRequest(req: IncomingMessage, rawBody: Buffer, url: URL): { problem?: string } {
	const [type, ...parameters] = String(req.headers['content-type'] ?? '').split(';');
	const charset = parameters
		.map((parameter) => parameter.trim().split('='))
		.find(([key]) => key?.toLowerCase() === 'charset')?.[1];
	const target = req as IncomingMessage & Record<string, unknown>;
	target.contentType = type.trim().toLowerCase() || undefined;
	target.encoding = (charset?.toLowerCase() as BufferEncoding | undefined) ?? 'utf-8';
	target.rawBody = rawBody;
	target._body = true;
	target.readRawBody = async () => undefined;
	target.params = {};
	target.query = Object.fromEntries(url.searchParams.entries());
	target.body = {};
	if (target.contentType === 'application/json' && rawBody.length > 0) {
		try {
			target.body = JSON.parse(rawBody.toString(target.encoding as BufferEncoding));
		} catch (error) {
			return { problem: (error as Error).message };
		}
	}
	return {};
}

function webhookAdditionalData(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	workflowData: IWorkflowBase,
	req?: IncomingMessage,
	res?: ServerResponse,
): IWorkflowExecuteAdditionalData {
	return {
		...buildAdditionalData(credentials, workflowData, 'webhook', 'webhook-call'),
		httpRequest: req,
		httpResponse: res,
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** Records what a node writes to the response itself. */
function captureBody(res: ServerResponse): () => unknown {
	const chunks: Buffer[] = [];
	const keep = (chunk: unknown) => {
		if (typeof chunk === 'string' || chunk instanceof Uint8Array) chunks.push(Buffer.from(chunk));
	};
	const write = res.write.bind(res) as (...args: unknown[]) => boolean;
	const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
	res.write = ((chunk: unknown, ...rest: unknown[]) => {
		keep(chunk);
		return write(chunk, ...rest);
	}) as ServerResponse['write'];
	res.end = ((chunk?: unknown, ...rest: unknown[]) => {
		if (typeof chunk !== 'function') keep(chunk);
		return end(chunk, ...rest);
	}) as ServerResponse['end'];
	return () => {
		const text = Buffer.concat(chunks).toString('utf8');
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	};
}

function answer(res: ServerResponse, status: number, body: unknown) {
	if (typeof body === 'string') {
		res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
		res.end(body);
		return;
	}
	res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8' });
	res.end(JSON.stringify(body ?? null));
}

function finish(delivery: WebhookDelivery, res: ServerResponse, status: number, body: unknown) {
	answer(res, status, body);
	delivery.status = status;
	delivery.response = body;
}

let executionCounter = 0;

/**
 * Runs the workflow from the trigger with the trigger's webhook output, as n8n's
 * `executeWebhook` does (`prepareExecutionData`, then `WorkflowRunner.run`): the trigger is
 * the first entry of the execution stack with `main` set to the webhook's `workflowData`;
 * WorkflowExecute passes a webhook node's input through as its output.
 */
async function executeFromTrigger(options: {
	workflowData: IWorkflowBase;
	nodeTypes: NodeTypeRegistry;
	triggerName: string;
	triggerOutput: INodeExecutionData[][];
	credentials: Record<string, ICredentialDataDecryptedObject>;
	mode: WorkflowExecuteMode;
}): Promise<WorkflowResult> {
	const { workflowData, mode } = options;
	const workflow = new Workflow({
		id: workflowData.id ?? 'test-workflow',
		name: workflowData.name,
		nodes: workflowData.nodes,
		connections: workflowData.connections,
		active: true,
		nodeTypes: options.nodeTypes,
		settings: workflowData.settings,
		staticData: workflowData.staticData,
	});
	const trigger = workflow.getNode(options.triggerName);
	if (!trigger) throw new Error(`No node named ${options.triggerName}`);

	const executionId = `webhook-${++executionCounter}`;
	const additionalData = buildAdditionalData(options.credentials, workflowData, mode, executionId);
	const finished = new Promise<IRun>((resolve) => {
		additionalData.hooks!.addHandler('workflowExecuteAfter', (fullRunData) => resolve(fullRunData));
	});
	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: trigger, data: { main: options.triggerOutput }, source: null }],
		},
	});
	const execution = new WorkflowExecute(additionalData, mode, runExecutionData);
	await execution.processRunExecutionData(workflow);
	return toResult(await finished);
}
