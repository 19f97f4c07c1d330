/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IDataObject, INode, INodeParameters, IWorkflowBase } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { FloraSimulator, SimulatorOptions } from '../../simulator';
import { DEFAULT_API_KEY, DEFAULT_WEBHOOK_SECRET, startSimulator } from '../../simulator';
import type { RunOptions } from './engine';
import { runWorkflow, startWorkflow } from './engine';
import { LOOPBACK_CALLBACKS } from './publicHost';

export const FLORA_NODE = 'FLORA Technique';
export const RUN_ROUTE = 'POST /techniques/{techniqueId}/runs';
export const READ_RUN_ROUTE = 'GET /techniques/{techniqueId}/runs/{runId}';

export function loadWorkflow(file: string): IWorkflowBase {
	return JSON.parse(
		readFileSync(path.join(__dirname, '..', 'workflows', file), 'utf8'),
	) as IWorkflowBase;
}

export interface FloraNodeSettings {
	parameters?: INodeParameters;
	continueOnFail?: boolean;
	typeVersion?: number;
	/** n8n's node settings, such as retryOnFail, maxTries and waitBetweenTries. */
	nodeSettings?: Partial<INode>;
}

/** A copy of a fixture with the FLORA node's parameters merged over the saved ones. */
export function withFloraNode(workflow: IWorkflowBase, settings: FloraNodeSettings): IWorkflowBase {
	const copy = JSON.parse(JSON.stringify(workflow)) as IWorkflowBase;
	const node = copy.nodes.find((candidate) => candidate.name === FLORA_NODE);
	if (!node) throw new Error(`The fixture has no node named ${FLORA_NODE}`);
	node.parameters = { ...node.parameters, ...(settings.parameters ?? {}) };
	// A parameter given as undefined is removed, so the node's default for its version applies.
	for (const [name, value] of Object.entries(node.parameters)) {
		if (value === undefined) delete node.parameters[name];
	}
	if (settings.continueOnFail) node.onError = 'continueRegularOutput';
	if (settings.typeVersion !== undefined) node.typeVersion = settings.typeVersion;
	Object.assign(node, settings.nodeSettings ?? {});
	return copy;
}

/**
 * Adds a No-Op after each output of the FLORA node (the first name on the success output, a
 * second on the error output of "On Error: Continue (using error output)"), to see where items go.
 */
export function withNodesAfterFlora(workflow: IWorkflowBase, ...names: string[]): IWorkflowBase {
	names.forEach((name, output) =>
		workflow.nodes.push({
			id: `after-flora-${output}`,
			name,
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [440, output * 200],
			parameters: {},
		}),
	);
	workflow.connections[FLORA_NODE] = {
		main: names.map((name) => [{ node: name, type: NodeConnectionTypes.Main, index: 0 }]),
	};
	if (names.length > 1) {
		workflow.nodes.find((node) => node.name === FLORA_NODE)!.onError = 'continueErrorOutput';
	}
	return workflow;
}

export function runTechniqueWorkflow(parameters: INodeParameters, options: FloraRunOptions = {}) {
	return withFloraNode(loadWorkflow('run-technique.json'), {
		parameters,
		continueOnFail: options.continueOnFail,
		typeVersion: options.typeVersion,
		nodeSettings: options.nodeSettings,
	});
}

export interface FloraRunOptions extends RunOptions {
	continueOnFail?: boolean;
	apiKey?: string;
	typeVersion?: number;
	nodeSettings?: Partial<INode>;
}

/**
 * The simulator, started once per test file, reset before every test. Its test mode delivers
 * callbacks for https://n8n.flora.test:<port>/… to that loopback port (see publicHost.ts).
 */
export function useSimulator(options: SimulatorOptions = { timeScale: 20 }) {
	const handle: { sim: FloraSimulator } = {} as { sim: FloraSimulator };
	beforeAll(async () => {
		handle.sim = await startSimulator({
			...options,
			callbackHosts: { ...LOOPBACK_CALLBACKS, ...options.callbackHosts },
		});
	});
	beforeEach(() => handle.sim.reset());
	afterEach(() => {
		expect(handle.sim.contractViolations).toEqual([]);
	});
	afterAll(async () => {
		await handle.sim?.close();
	});
	return handle;
}

export function floraCredentials(
	sim: FloraSimulator,
	apiKey = DEFAULT_API_KEY,
): RunOptions['credentials'] {
	return { floraApi: { apiKey, baseUrl: sim.baseUrl, webhookSecret: '' } };
}

/**
 * Credentials for waiting by webhook: the simulator's signing secret. The credential has nothing
 * for tests: the harness gives n8n a public-looking https base (publicHost.ts).
 */
export function webhookCredentials(
	sim: FloraSimulator,
	overrides: Record<string, unknown> = {},
): NonNullable<RunOptions['credentials']> {
	return {
		floraApi: {
			apiKey: DEFAULT_API_KEY,
			baseUrl: sim.baseUrl,
			webhookSecret: DEFAULT_WEBHOOK_SECRET,
			...overrides,
		},
	};
}

export async function runFlora(
	sim: FloraSimulator,
	parameters: INodeParameters,
	options: FloraRunOptions = {},
) {
	const workflow = runTechniqueWorkflow(parameters, options);
	return await runWorkflow(workflow, {
		...options,
		credentials: options.credentials ?? floraCredentials(sim, options.apiKey),
	});
}

export function startFlora(
	sim: FloraSimulator,
	parameters: INodeParameters,
	options: FloraRunOptions = {},
) {
	return startWorkflow(runTechniqueWorkflow(parameters, options), {
		...options,
		credentials: options.credentials ?? floraCredentials(sim, options.apiKey),
	});
}

export const prompts = (...values: string[]): IDataObject[] => values.map((prompt) => ({ prompt }));

export function technique(value: string, mode: 'id' | 'url' = 'id') {
	return { __rl: true, mode, value };
}

export function textInput(value: string, id = 'prompt') {
	return { input: [{ id, type: 'text', value }] };
}
