/* eslint-disable @n8n/community-nodes/node-usable-as-tool, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * What n8n puts around the FLORA node when an AI Agent or an MCP Server Trigger uses it as a
 * tool: the tool variant n8n makes of a `usableAsTool` node (type `…Tool`), and a stand-in
 * for the agent that asks n8n-core for its tools the way n8n's agents and MCP Server Trigger
 * do (`getInputConnectionData('ai_tool')`, which builds each tool with n8n-core's
 * createNodeAsTool: its description from `getToolDescriptionForNode`, its arguments from the
 * node's `$fromAI()` calls). The stand-in outputs each tool as an OpenAI-compatible model
 * receives it (LangChain's `convertToOpenAITool`) and, given arguments, calls the first tool
 * as the model would. The e2e suite runs n8n's own AI Agent and MCP Server Trigger.
 */
import type { StructuredToolInterface } from '@langchain/core/tools';
import { convertToOpenAITool } from '@langchain/core/utils/function_calling';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/**
 * The tool variant n8n 2.x makes of a `usableAsTool` node when a workflow names its type with
 * `Tool` appended (n8n's NodeTypes.getByNameAndVersion): the same node with the name and
 * display name suffixed, no main input and one `ai_tool` output. n8n also adds "Tool
 * Description" fields to a node that has no `toolDescription` parameter of its own; this
 * stand-in does not, and refuses such a node.
 */
export function toolVariant(base: INodeType): INodeType {
	const { usableAsTool, ...rest } = base.description;
	if (!usableAsTool) throw new Error(`${base.description.name} is not usable as a tool`);
	if (!rest.properties.some((property) => property.name === 'toolDescription')) {
		throw new Error(`${base.description.name} has no toolDescription: n8n would add its own`);
	}
	const description: INodeTypeDescription = {
		...rest,
		name: `${rest.name}Tool`,
		displayName: `${rest.displayName} Tool`,
		inputs: [],
		outputs: [NodeConnectionTypes.AiTool],
	};
	return Object.create(base, { description: { value: description } }) as INodeType;
}

export interface ModelTool {
	name: string;
	description: string;
	parameters: {
		type: 'object';
		properties: Record<string, { type?: string; description?: string }>;
		required?: string[];
	};
}

/** The stand-in agent: the tools it is given, as a model receives them, and one call of the first. */
export class ToolCaller implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Tool Caller',
		name: 'toolCaller',
		group: ['transform'],
		version: 1,
		description:
			'Lists its tools as a model gets them, and calls the first with the given arguments',
		defaults: { name: 'Agent' },
		inputs: [
			NodeConnectionTypes.Main,
			{ type: NodeConnectionTypes.AiTool, displayName: 'Tools', required: true },
		],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Call With', name: 'callWith', type: 'json', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const tools = (await this.getInputConnectionData(
			NodeConnectionTypes.AiTool,
			0,
		)) as StructuredToolInterface[];
		const json: IDataObject = {
			tools: tools.map((tool) => convertToOpenAITool(tool).function as unknown as IDataObject),
		};
		const callWith = this.getNodeParameter('callWith', 0, '') as string | IDataObject;
		if (callWith !== '') {
			const args = typeof callWith === 'string' ? (JSON.parse(callWith) as IDataObject) : callWith;
			json.answer = (await tools[0].invoke(args)) as string;
		}
		return [[{ json, pairedItem: { item: 0 } }]];
	}
}
