import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listActions, matchesWords } from '../../../shared/flora/catalogue';
import type { FloraClient } from '../../../shared/flora/client';
import { returnAllOrLimit } from '../common.descriptions';
import { readLimit } from '../parameters';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Search',
				name: 'query',
				type: 'string',
				default: '',
				description: "Words to look for in the action's ID, name and description",
			},
			{
				displayName: 'Takes Input Of Type',
				name: 'inputType',
				type: 'options',
				default: 'video',
				options: [
					{ name: 'Audio', value: 'audio' },
					{ name: 'Image', value: 'image' },
					{ name: 'Text', value: 'text' },
					{ name: 'Video', value: 'video' },
				],
				description: 'Only actions with an input of this type',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['action'], operation: ['getMany'] } },
	properties,
);

/** The actions FLORA offers (GET /actions), with their inputs, parameters and cost per run. */
export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const actions = (await listActions(client, itemIndex)).filter(
		(action) =>
			(!filters.inputType || action.inputs.some((port) => port.type === filters.inputType)) &&
			matchesWords(String(filters.query ?? ''), action.action_id, action.name, action.description),
	);
	const limit = readLimit(this, itemIndex);
	return actions
		.slice(0, limit ?? actions.length)
		.map((action) => ({ json: { ...action } as IDataObject, pairedItem: { item: itemIndex } }));
}
