/* eslint-disable @n8n/community-nodes/node-usable-as-tool -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/*
 * Stand-ins for the three n8n-nodes-base nodes our workflow fixtures use around the FLORA
 * node. n8n-nodes-base drags in hundreds of packages (databases, a browser, CDN-hosted xlsx),
 * so the harness carries these instead, under the same type names and parameter shapes, so
 * every fixture imports into a real n8n unchanged. The end-to-end suite runs the real ones.
 */

const baseDescription: Pick<INodeTypeDescription, 'group' | 'inputs' | 'outputs'> = {
	group: ['transform'],
	inputs: [NodeConnectionTypes.Main],
	outputs: [NodeConnectionTypes.Main],
};

export class ManualTrigger implements INodeType {
	description: INodeTypeDescription = {
		...baseDescription,
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Runs the flow on clicking a button in n8n',
		defaults: { name: 'When clicking ‘Execute workflow’' },
		inputs: [],
		properties: [],
	};

	async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
		return { manualTriggerFunction: async () => this.emit([[{ json: {} }]]) };
	}
}

export class NoOp implements INodeType {
	description: INodeTypeDescription = {
		...baseDescription,
		displayName: 'No Operation, do nothing',
		name: 'noOp',
		version: 1,
		description: 'No Operation',
		defaults: { name: 'No Operation, do nothing' },
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

interface Assignment {
	name: string;
	value: unknown;
	type?: string;
}

/** The "Edit Fields (Set)" node, version 3.4, in its "manual mapping" mode. */
export class Set implements INodeType {
	description: INodeTypeDescription = {
		...baseDescription,
		displayName: 'Edit Fields (Set)',
		name: 'set',
		version: [3.3, 3.4],
		description: 'Modify, add, or remove item fields',
		defaults: { name: 'Edit Fields' },
		properties: [
			{
				displayName: 'Fields to Set',
				name: 'assignments',
				type: 'assignmentCollection',
				default: {},
			},
			{
				displayName: 'Include Other Input Fields',
				name: 'includeOtherFields',
				type: 'boolean',
				default: false,
			},
			{ displayName: 'Options', name: 'options', type: 'collection', default: {}, options: [] },
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		return [
			items.map((item, itemIndex) => {
				const { assignments = [] } = this.getNodeParameter('assignments', itemIndex, {}) as {
					assignments?: Assignment[];
				};
				const includeOtherFields = this.getNodeParameter(
					'includeOtherFields',
					itemIndex,
					false,
				) as boolean;
				const json: IDataObject = includeOtherFields ? { ...item.json } : {};
				for (const { name, value, type } of assignments) {
					json[name] =
						type === 'number' ? Number(value) : (value as IDataObject[keyof IDataObject]);
				}
				return {
					json,
					...(includeOtherFields && item.binary ? { binary: item.binary } : {}),
					pairedItem: { item: itemIndex },
				};
			}),
		];
	}
}

export const baseNodes: Record<string, INodeType> = {
	'n8n-nodes-base.manualTrigger': new ManualTrigger(),
	'n8n-nodes-base.noOp': new NoOp(),
	'n8n-nodes-base.set': new Set(),
};
