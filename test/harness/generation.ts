/* Parameters of the FLORA node for Generation → Generate and the other model operations. */
import type { INodeParameters, ResourceMapperValue } from 'n8n-workflow';

export const GENERATE_ROUTE = 'POST /generate';
export const READ_ANY_RUN_ROUTE = 'GET /runs/{runId}';
export const MODELS_ROUTE = 'GET /models';
export const GENERATIONS_ROUTE = 'GET /generations';
export const WORKSPACE_ID = 'ws_sim_studio';
export const PROJECT_ID = 'prj_sim_default';

/** The technique-only parameters of the fixture, removed so the node's defaults apply. */
const NOT_A_TECHNIQUE_RUN: INodeParameters = {
	technique: undefined,
	inputsSource: undefined,
	inputs: undefined,
	mode: undefined,
};

export function modelLocator(value: string, mode: 'id' | 'list' = 'id') {
	return { __rl: true, mode, value };
}

/** Model Parameters as the resource mapper saves them (the fields' schema left to the node). */
export function modelParams(value: Record<string, unknown>): ResourceMapperValue {
	return {
		mappingMode: 'defineBelow',
		value: value as ResourceMapperValue['value'],
		matchingColumns: [],
		schema: [],
		attemptToConvertTypes: false,
		convertFieldsToString: false,
	};
}

/** Generation → Generate with a prompt, into the simulator's default workspace and project. */
export function generate(parameters: INodeParameters = {}): INodeParameters {
	return {
		...NOT_A_TECHNIQUE_RUN,
		resource: 'generation',
		operation: 'generate',
		generationType: 'image',
		prompt: '={{ $json.prompt ?? "a ceramic mug on a sunlit table" }}',
		workspace: { __rl: true, mode: 'id', value: WORKSPACE_ID },
		project: { __rl: true, mode: 'id', value: PROJECT_ID },
		...parameters,
	};
}

/** Another operation of the node (Generation → Get, Model → Get Many, …). */
export function operation(
	resource: string,
	name: string,
	parameters: INodeParameters = {},
): INodeParameters {
	return {
		...NOT_A_TECHNIQUE_RUN,
		waitForCompletion: undefined,
		resource,
		operation: name,
		...parameters,
	};
}
