import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { listModels, matchesWords } from '../../../shared/flora/catalogue';
import type { FloraClient } from '../../../shared/flora/client';
import type { GenerationType } from '../../../shared/flora/types';
import { returnAllOrLimit } from '../common.descriptions';
import { readLimit } from '../parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Type',
		name: 'modelType',
		type: 'options',
		default: 'all',
		options: [
			{ name: 'All', value: 'all' },
			{ name: 'Audio', value: 'audio' },
			{ name: 'Image', value: 'image' },
			{ name: 'Text', value: 'text' },
			{ name: 'Video', value: 'video' },
		],
		description: 'Which kind of model to list',
	},
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
				description: "Words to look for in the model's ID, name and provider",
			},
			{
				displayName: 'Capability',
				name: 'capability',
				type: 'string',
				default: '',
				placeholder: 'e.g. image-to-video',
				description: 'Only models that list this capability',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['model'], operation: ['getMany'] } },
	properties,
);

/**
 * The models FLORA offers (GET /models), with their parameters, estimated credits and seconds:
 * what Generation → Generate takes as its model.
 */
export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const type = this.getNodeParameter('modelType', itemIndex, 'all') as GenerationType | 'all';
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const capability = String(filters.capability ?? '')
		.trim()
		.toLowerCase();
	const models = (await listModels(client, type === 'all' ? undefined : type, itemIndex)).filter(
		(model) =>
			(capability === '' ||
				model.capabilities.some((entry) => entry.toLowerCase() === capability)) &&
			matchesWords(String(filters.query ?? ''), model.model_id, model.name, model.provider),
	);
	const limit = readLimit(this, itemIndex);
	return models
		.slice(0, limit ?? models.length)
		.map((model) => ({ json: { ...model } as IDataObject, pairedItem: { item: itemIndex } }));
}
