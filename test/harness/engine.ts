/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * Runs n8n workflows through n8n's own engine (WorkflowExecute from n8n-core), with this
 * package loaded the way n8n loads a community package (PackageDirectoryLoader over the
 * built `dist`). Nothing about our node is mocked: it gets a real ExecuteContext, real
 * parameter and expression resolution, real HTTP helpers and n8n's binary data service.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

if (!process.env.N8N_USER_FOLDER) {
	process.env.N8N_USER_FOLDER = mkdtempSync(path.join(tmpdir(), 'flora-n8n-'));
}
process.env.N8N_DIAGNOSTICS_ENABLED ??= 'false';
process.env.N8N_LOG_LEVEL ??= 'silent';

import { Container } from '@n8n/di';
import {
	BinaryDataConfig,
	BinaryDataService,
	Credentials,
	ExecuteContext,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	PackageDirectoryLoader,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import type { Readable } from 'node:stream';
import type {
	IBinaryData,
	ICredentialDataDecryptedObject,
	INodeListSearchResult,
	INodeParameters,
	ResourceMapperFields,
	ICredentialType,
	ICredentialsDecrypted,
	IDataObject,
	IExecuteData,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	ICredentialsHelper,
	isExpression,
	NodeHelpers,
	Workflow,
} from 'n8n-workflow';

import { baseNodes } from './base-nodes';
import { LifecycleProbe } from './probe-node';
import { ToolCaller, toolVariant } from './tool-nodes';

export const PACKAGE_DIR = path.resolve(__dirname, '..', '..');
export const PACKAGE_NAME = 'n8n-nodes-flora';

export interface LoadedPackage {
	nodeTypes: NodeTypeRegistry;
	credentialTypes: Map<string, ICredentialType>;
}

let loading: Promise<LoadedPackage> | undefined;

/** Loads the built package once per test process, as n8n does at start-up. */
export async function loadPackage(): Promise<LoadedPackage> {
	loading ??= (async () => {
		const loader = new PackageDirectoryLoader(PACKAGE_DIR);
		await loader.loadAll();
		const nodes = new Map<string, INodeType | IVersionedNodeType>();
		for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
			nodes.set(`${loader.packageName}.${name}`, type);
		}
		for (const [name, type] of Object.entries(baseNodes)) nodes.set(name, type);
		nodes.set('test.lifecycleProbe', new LifecycleProbe());
		nodes.set('test.toolCaller', new ToolCaller());
		const credentialTypes = new Map<string, ICredentialType>();
		for (const [name, { type }] of Object.entries(loader.credentialTypes)) {
			credentialTypes.set(name, type);
		}
		await initBinaryData();
		credentialTypesLoaded = credentialTypes;
		return { nodeTypes: new NodeTypeRegistry(nodes), credentialTypes };
	})();
	return await loading;
}

async function initBinaryData() {
	const config = Container.get(BinaryDataConfig);
	config.signingSecret = 'flora-test-signing-secret';
	const mode = process.env.FLORA_TEST_BINARY_MODE === 'filesystem' ? 'filesystem' : 'default';
	config.mode = mode;
	config.availableModes = ['default', 'filesystem'];
	await Container.get(BinaryDataService).init();
}

export class NodeTypeRegistry implements INodeTypes {
	private readonly tools = new Map<string, INodeType>();

	constructor(private readonly types: Map<string, INodeType | IVersionedNodeType>) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new Error(`Unknown node type ${nodeType}`);
		return type;
	}

	/** A type name ending in `Tool` that no node has is the tool variant of a node, as in n8n. */
	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		if (this.types.has(nodeType) || !nodeType.endsWith('Tool')) {
			return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
		}
		const key = `${nodeType}@${version ?? 'default'}`;
		let tool = this.tools.get(key);
		if (!tool) {
			const base = this.getByName(nodeType.slice(0, -'Tool'.length));
			tool = toolVariant(NodeHelpers.getVersionedNodeType(base, version));
			this.tools.set(key, tool);
		}
		return tool;
	}

	getKnownTypes() {
		return {};
	}
}

/**
 * Applies a credential's declarative `authenticate` block the way n8n's CLI does: each value
 * may be an expression over `$credentials`, resolved by the workflow's expression engine.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	constructor(
		private readonly credentialTypes: Map<string, ICredentialType>,
		private readonly credentialsByType: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.credentialTypes.get(typeName)?.authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate?.type !== 'generic') return requestOptions;
		const resolve = (value: string) =>
			isExpression(value)
				? String(
						workflow.expression.getSimpleParameterValue(
							node,
							value,
							'internal',
							{ $credentials: credentials },
							undefined,
							'',
						) ?? '',
					)
				: value;
		const target = requestOptions as unknown as Record<string, Record<string, string>>;
		for (const [outerKey, entries] of Object.entries(authenticate.properties)) {
			target[outerKey] ??= {};
			for (const [key, value] of Object.entries(entries as Record<string, string>)) {
				target[outerKey][resolve(key)] = resolve(value);
			}
		}
		return requestOptions;
	}

	async preAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
		return undefined;
	}

	async getCredentials(
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<Credentials> {
		return new Credentials({ id: nodeCredentials.id, name: nodeCredentials.name }, type, '');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const data = this.credentialsByType[type];
		if (!data) throw new Error(`The test gave no credentials of type ${type}`);
		return { ...data };
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties() {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}
}

export interface NodeRun {
	/** Items of each output of the node's last run (output 0 first). */
	outputs: INodeExecutionData[][];
	error?: IRun['data']['resultData']['error'];
	startTime: number;
	executionTime: number;
}

export interface WorkflowResult {
	run: IRun;
	status: IRun['status'];
	/** The error that stopped the workflow, if any. */
	error?: IRun['data']['resultData']['error'];
	nodes: Record<string, NodeRun>;
	/** Items of output 0 of a node (throws when the node did not run). */
	items(nodeName: string): INodeExecutionData[];
}

export interface RunOptions {
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** Items the start node emits instead of running (n8n's pinned data). */
	triggerItems?: IDataObject[] | INodeExecutionData[];
	mode?: WorkflowExecuteMode;
	/** Where n8n would serve resume webhooks ($execution.resumeUrl is this plus the execution id). */
	webhookWaitingBaseUrl?: string;
	/** Runs without an execution ID, as n8n runs a tool for an MCP client ($execution.id is `__UNKNOWN__`). */
	withoutExecutionId?: boolean;
	/**
	 * Runs as this execution again, from its start and with fresh node contexts, as n8n 1.x in
	 * queue mode runs an execution again on another worker when the one running it stopped.
	 */
	executionId?: string;
}

export interface RunningWorkflow {
	executionId: string;
	result: Promise<WorkflowResult>;
	/** Cancels the execution the way the editor's Stop button does. */
	cancel(): void;
}

let executionCounter = 0;

export function deferred<T>() {
	let resolve!: (value: T) => void;
	let reject!: (reason: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

/** Starts a workflow and returns a handle with its eventual result and a cancel switch. */
export function startWorkflow(
	workflowData: IWorkflowBase,
	options: RunOptions = {},
): RunningWorkflow {
	const outcome = deferred<WorkflowResult>();
	let cancel: () => void = () => undefined;
	let cancelRequested = false;
	const currentExecutionId = options.executionId ?? String(++executionCounter);
	const started = (async () => {
		const { nodeTypes } = await loadPackage();
		const workflow = new Workflow({
			id: workflowData.id ?? 'test-workflow',
			name: workflowData.name,
			nodes: workflowData.nodes,
			connections: workflowData.connections,
			active: false,
			nodeTypes,
			settings: workflowData.settings,
			staticData: workflowData.staticData,
		});
		const startNode = workflow.getStartNode();
		if (!startNode) throw new Error('The workflow has no start node');

		const executionId = currentExecutionId;
		const additionalData = buildAdditionalData(
			options.credentials ?? {},
			workflowData,
			options.mode ?? 'manual',
			executionId,
			options.webhookWaitingBaseUrl,
		);
		if (options.withoutExecutionId) delete additionalData.executionId;
		const finished = deferred<IRun>();
		additionalData.hooks!.addHandler('workflowExecuteAfter', (fullRunData) =>
			finished.resolve(fullRunData),
		);

		const pinData = { ...(workflowData.pinData ?? {}) };
		if (options.triggerItems) {
			pinData[startNode.name] = options.triggerItems.map((item) =>
				'json' in item && typeof item.json === 'object'
					? (item as INodeExecutionData)
					: { json: item as IDataObject },
			);
		}
		const runExecutionData: IRunExecutionData = createRunExecutionData({
			resultData: { runData: {}, pinData },
			executionData: {
				contextData: {},
				metadata: {},
				waitingExecution: {},
				waitingExecutionSource: null,
				nodeExecutionStack: [{ node: startNode, data: { main: [[{ json: {} }]] }, source: null }],
			},
		});
		const workflowExecute = new WorkflowExecute(
			additionalData,
			options.mode ?? 'manual',
			runExecutionData,
		);
		const execution = workflowExecute.processRunExecutionData(workflow);
		cancel = () => execution.cancel();
		if (cancelRequested) cancel();
		const run = await Promise.race([finished.promise, execution.then(() => finished.promise)]);
		return toResult(run);
	})();
	started.then(outcome.resolve, outcome.reject);
	return {
		executionId: currentExecutionId,
		result: outcome.promise,
		cancel: () => {
			cancelRequested = true;
			cancel();
		},
	};
}

export async function runWorkflow(workflowData: IWorkflowBase, options: RunOptions = {}) {
	return await startWorkflow(workflowData, options).result;
}

export function toResult(run: IRun): WorkflowResult {
	const nodes: Record<string, NodeRun> = {};
	for (const [name, taskData] of Object.entries(run.data.resultData.runData)) {
		const last = taskData[taskData.length - 1];
		if (!last) continue;
		nodes[name] = {
			outputs: (last.data?.main ?? []).map((items) => items ?? []),
			error: last.error,
			startTime: last.startTime,
			executionTime: last.executionTime,
		};
	}
	return {
		run,
		status: run.status,
		error: run.data.resultData.error,
		nodes,
		items(nodeName: string) {
			const node = nodes[nodeName];
			if (!node) {
				const ran = Object.keys(nodes).join(', ');
				const why = run.data.resultData.error?.message;
				throw new Error(`Node "${nodeName}" did not run (ran: ${ran}; error: ${why ?? 'none'})`);
			}
			return node.outputs[0] ?? [];
		},
	};
}

/** What n8n hands an execution: lifecycle hooks, the credentials helper and the instance's URLs. */
export function buildAdditionalData(
	credentials: Record<string, ICredentialDataDecryptedObject>,
	workflowData: IWorkflowBase,
	mode: WorkflowExecuteMode,
	executionId: string,
	webhookWaitingBaseUrl = 'http://127.0.0.1:5678/webhook-waiting',
): IWorkflowExecuteAdditionalData {
	const credentialTypes = loadedCredentialTypes();
	return {
		hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData),
		credentialsHelper: new TestCredentialsHelper(credentialTypes, credentials),
		executionId,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl,
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		variables: {},
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		setExecutionStatus: () => undefined,
		sendDataToUI: () => undefined,
		logAiEvent: () => undefined,
		startRunnerTask: async () => {
			throw new Error('Task runners are not available in tests');
		},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not available in tests');
		},
		getRunExecutionData: async () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
}

let credentialTypesLoaded: Map<string, ICredentialType> | undefined;

function loadedCredentialTypes(): Map<string, ICredentialType> {
	if (!credentialTypesLoaded) throw new Error('loadPackage() must run first');
	return credentialTypesLoaded;
}

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
}

/**
 * Runs a credential's `test` request the way n8n's credential Test button does: a temporary
 * declarative node whose only property routes the test request, executed by n8n-core's
 * RoutingNode with the credential applied, and the same reading of the outcome.
 */
export async function testCredential(
	type: string,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	const { credentialTypes } = await loadPackage();
	const credentialType = credentialTypes.get(type);
	if (!credentialType?.test) throw new Error(`Credential ${type} has no test request`);
	const testRequest = credentialType.test;
	const nodeType: INodeType = {
		description: {
			displayName: 'Credential test',
			name: 'credentialTest',
			group: ['transform'],
			version: 1,
			description: '',
			defaults: {},
			inputs: [],
			outputs: [],
			credentials: [{ name: type, required: true }],
			properties: [
				{
					displayName: 'Temp',
					name: 'temp',
					type: 'string',
					default: '',
					routing: { request: testRequest.request },
				},
			],
		},
	};
	const node: INode = {
		id: 'temp',
		name: 'Temp-Node',
		type: 'credentialTest',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
		credentials: { [type]: { id: 'test', name: 'test' } },
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: new NodeTypeRegistry(new Map([['credentialTest', nodeType]])),
	});
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(credentialTypes, { [type]: data }),
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	const executeData: IExecuteData = { node, data: {}, source: null };
	const context = new ExecuteContext(
		workflow,
		node,
		additionalData,
		'internal',
		{ resultData: { runData: {} } } as IRunExecutionData,
		0,
		[],
		{ main: [[{ json: {} }]] },
		executeData,
		[],
	);
	const decrypted: ICredentialsDecrypted = { id: 'test', name: 'test', type, data };
	let response: INodeExecutionData[][] | null | undefined;
	try {
		response = await new RoutingNode(context, nodeType, decrypted).runNode();
	} catch (error) {
		const response = (error as { cause?: { response?: { status: number; statusText?: string } } })
			.cause?.response;
		if (response) {
			const rule = testRequest.rules?.find(
				(r) => r.type === 'responseCode' && r.properties.value === response.status,
			);
			if (rule && rule.type === 'responseCode')
				return { status: 'Error', message: rule.properties.message };
			return {
				status: 'Error',
				message: response.statusText || `Received HTTP status code: ${response.status}`,
			};
		}
		const code = (error as { cause?: { code?: string } }).cause?.code;
		return { status: 'Error', message: code ?? String((error as Error).message) };
	}
	// As n8n's CredentialsTester: a successful answer can still fail on its body.
	for (const rule of testRequest.rules ?? []) {
		if (rule.type !== 'responseSuccessBody') continue;
		const body = response?.[0]?.[0]?.json;
		if (valueAtPath(body, rule.properties.key) === rule.properties.value) {
			return { status: 'Error', message: rule.properties.message };
		}
	}
	return { status: 'OK', message: 'Connection successful!' };
}

/** lodash's get for the paths credential rules use (`workspaces[0].role`). */
function valueAtPath(value: unknown, key: string): unknown {
	return key
		.split(/[.[\]]/)
		.filter(Boolean)
		.reduce<unknown>(
			(current, part) => (current as Record<string, unknown> | undefined)?.[part],
			value,
		);
}

/** Stores a file in n8n's binary data service (filesystem mode streams it to disk) for use as item binary data. */
export async function storeBinary(
	content: Buffer | Readable,
	fileName: string,
	mimeType: string,
): Promise<IBinaryData> {
	await loadPackage();
	const binaryData: IBinaryData = {
		data: '',
		mimeType,
		fileName,
		fileExtension: fileName.split('.').pop(),
	};
	return await Container.get(BinaryDataService).store(
		{ type: 'execution', workflowId: 'test-workflow', executionId: 'stored' },
		content,
		binaryData,
	);
}

export function binaryMode(): string {
	return Container.get(BinaryDataConfig).mode;
}

function loadOptionsContext(
	nodeType: string,
	parameters: INodeParameters,
	credentials: Record<string, ICredentialDataDecryptedObject>,
	credentialTypes: Map<string, ICredentialType>,
	nodeTypes: NodeTypeRegistry,
) {
	const node: INode = {
		id: 'load-options',
		name: 'FLORA Technique',
		type: nodeType,
		typeVersion: 2,
		position: [0, 0],
		parameters,
		credentials: Object.fromEntries(
			Object.keys(credentials).map((type) => [type, { id: 'test', name: 'test' }]),
		),
	};
	const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = {
		credentialsHelper: new TestCredentialsHelper(credentialTypes, credentials),
		currentNodeParameters: parameters,
		variables: {},
	} as unknown as IWorkflowExecuteAdditionalData;
	return new LoadOptionsContext(workflow, node, additionalData, 'parameters');
}

/** Calls a node's list-search method the way the editor does when a resource locator opens. */
export async function callListSearch(
	nodeType: string,
	method: string,
	options: {
		parameters?: INodeParameters;
		credentials: Record<string, ICredentialDataDecryptedObject>;
		filter?: string;
		paginationToken?: string;
	},
): Promise<INodeListSearchResult> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const type = nodeTypes.getByNameAndVersion(nodeType, 2);
	const search = type.methods?.listSearch?.[method];
	if (!search) throw new Error(`${nodeType} has no list search ${method}`);
	const context = loadOptionsContext(
		nodeType,
		options.parameters ?? {},
		options.credentials,
		credentialTypes,
		nodeTypes,
	);
	return await search.call(context, options.filter, options.paginationToken);
}

/** Calls a node's resource mapper method the way the editor does when it shows the mapping form. */
export async function callResourceMapper(
	nodeType: string,
	method: string,
	options: {
		parameters: INodeParameters;
		credentials: Record<string, ICredentialDataDecryptedObject>;
	},
): Promise<ResourceMapperFields> {
	const { nodeTypes, credentialTypes } = await loadPackage();
	const type = nodeTypes.getByNameAndVersion(nodeType, 2);
	const mapper = type.methods?.resourceMapping?.[method];
	if (!mapper) throw new Error(`${nodeType} has no resource mapper ${method}`);
	const context = loadOptionsContext(
		nodeType,
		options.parameters,
		options.credentials,
		credentialTypes,
		nodeTypes,
	);
	return await mapper.call(context);
}
