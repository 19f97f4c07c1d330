/* The FLORA tool on the stand-in agent of tool-nodes.ts, run through n8n's engine. */
import type {
	IDataObject,
	INodeListSearchItems,
	INodeParameterResourceLocator,
	INodeParameters,
	IWorkflowBase,
	ResourceMapperFields,
	ResourceMapperValue,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { RunOptions } from './engine';
import { runWorkflow } from './engine';
import type { ModelTool } from './tool-nodes';

export const AGENT_NODE = 'Agent';
export const TOOL_NODE = 'FLORA';

/** Manual Trigger → the stand-in agent, with the FLORA tool on its `ai_tool` input. */
export function agentWorkflow(parameters: INodeParameters, callWith?: IDataObject): IWorkflowBase {
	return {
		name: 'FLORA as an agent tool',
		nodes: [
			{
				id: 'trigger',
				name: 'Start',
				type: 'n8n-nodes-base.manualTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: {},
			},
			{
				id: 'agent',
				name: AGENT_NODE,
				type: 'test.toolCaller',
				typeVersion: 1,
				position: [220, 0],
				parameters: callWith ? { callWith: JSON.stringify(callWith) } : {},
			},
			{
				id: 'tool',
				name: TOOL_NODE,
				type: 'n8n-nodes-flora.floraTechniqueTool',
				typeVersion: 2,
				position: [220, 200],
				parameters,
				credentials: { floraApi: { id: 'test', name: 'test' } },
			},
		],
		connections: {
			Start: { main: [[{ node: AGENT_NODE, type: NodeConnectionTypes.Main, index: 0 }]] },
			[TOOL_NODE]: {
				ai_tool: [[{ node: AGENT_NODE, type: NodeConnectionTypes.AiTool, index: 0 }]],
			},
		},
	} as unknown as IWorkflowBase;
}

/** What the model gets of the FLORA tool (and, given arguments, what the tool answered). */
export async function toolAsModelSeesIt(
	parameters: INodeParameters,
	options: RunOptions & { callWith?: IDataObject } = {},
): Promise<{ tool: ModelTool; answer?: unknown }> {
	const result = await runWorkflow(agentWorkflow(parameters, options.callWith), options);
	if (result.status !== 'success') {
		throw new Error(`The agent workflow failed: ${result.error?.message ?? result.status}`);
	}
	const [item] = result.items(AGENT_NODE);
	const [tool] = item.json.tools as unknown as ModelTool[];
	const answer = item.json.answer === undefined ? undefined : JSON.parse(String(item.json.answer));
	return { tool, answer };
}

/** A resource locator as the editor saves a pick from its list: the value, its name and link. */
export function pickedFromList(result: INodeListSearchItems): INodeParameterResourceLocator {
	return {
		__rl: true,
		mode: 'list',
		value: String(result.value),
		cachedResultName: result.name,
		...(result.url ? { cachedResultUrl: result.url } : {}),
	};
}

/**
 * A resource mapper as n8n's editor fills it when its fields first load: each field at its
 * `defaultValue` (hidden unless required when the mapper does not add all fields), empty
 * values left out, and the fields kept as the mapper's schema.
 */
export function mapperAsEditorFillsIt(
	fields: ResourceMapperFields,
	{ addAllFields }: { addAllFields: boolean },
): ResourceMapperValue {
	const schema = fields.fields.map((field) =>
		addAllFields ? { ...field } : { ...field, removed: !field.required },
	);
	const value: ResourceMapperValue['value'] = {};
	for (const field of schema) {
		const initial = field.removed ? null : (field.defaultValue ?? null);
		if (initial !== null) value[field.id] = initial;
	}
	return {
		mappingMode: 'defineBelow',
		value,
		matchingColumns: [],
		schema,
		attemptToConvertTypes: false,
		convertFieldsToString: true,
	};
}
