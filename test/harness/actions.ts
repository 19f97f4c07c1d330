/*
 * Parameters of the FLORA node's Action, Project and Asset operations, merged over
 * run-technique.json's node: the technique-only parameters are removed, and an action's
 * fields carry the schema the editor's resource mapper gets from the node itself.
 */
import type { INodeParameters, ResourceMapperField } from 'n8n-workflow';

import type { FloraSimulator } from '../../simulator';
import { DEFAULT_PROJECT_ID, DEFAULT_WORKSPACE_ID } from '../../simulator';
import { callResourceMapper } from './engine';
import { floraCredentials } from './flora';

export const NODE_TYPE = 'n8n-nodes-flora.floraTechnique';
export const ACTION_ROUTE = 'POST /runs/action';

export const locator = (value: string, mode = 'id') => ({ __rl: true, mode, value });
export const WORKSPACE = locator(DEFAULT_WORKSPACE_ID);
export const PROJECT = locator(DEFAULT_PROJECT_ID);

/** The technique-only parameters of the fixture, removed for other resources. */
export const NOT_A_TECHNIQUE: INodeParameters = {
	technique: undefined,
	inputsSource: undefined,
	inputs: undefined,
	mode: undefined,
	waitForCompletion: undefined,
} as unknown as INodeParameters;

/** The fields the editor shows for an action, from the node's own resource mapper. */
export async function actionSchema(
	sim: FloraSimulator,
	actionId: string,
): Promise<ResourceMapperField[]> {
	const { fields } = await callResourceMapper(NODE_TYPE, 'getActionInputFields', {
		parameters: { resource: 'action', operation: 'run', action: locator(actionId) },
		credentials: floraCredentials(sim)!,
	});
	return fields;
}

/**
 * Action → Run of `actionId` with these field values (ids `input:<name>` and `param:<key>`),
 * in the project by ID unless `extra` says otherwise. The schema is read from the simulator
 * (the requests it takes are dropped from sim.requests).
 */
export async function actionRun(
	sim: FloraSimulator,
	actionId: string,
	values: Record<string, unknown>,
	extra: INodeParameters = {},
): Promise<INodeParameters> {
	const schema = await actionSchema(sim, actionId).catch(() => []);
	sim.requests.length = 0;
	return {
		...NOT_A_TECHNIQUE,
		resource: 'action',
		operation: 'run',
		action: locator(actionId),
		actionFields: {
			mappingMode: 'defineBelow',
			value: values,
			matchingColumns: [],
			schema,
			attemptToConvertTypes: false,
			convertFieldsToString: false,
		},
		workspace: WORKSPACE,
		project: PROJECT,
		options: {},
		...extra,
	} as unknown as INodeParameters;
}

/** Parameters of another operation (Get Many, Create…), with the technique ones removed. */
export function operation(
	resource: string,
	name: string,
	parameters: INodeParameters = {},
): INodeParameters {
	return {
		...NOT_A_TECHNIQUE,
		resource,
		operation: name,
		options: undefined,
		...parameters,
	} as INodeParameters;
}
