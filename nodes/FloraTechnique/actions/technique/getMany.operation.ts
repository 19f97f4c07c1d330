import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { Technique } from '../../../shared/flora/types';
import { collectPages } from '../../../shared/flora/paging';
import { readLimit } from '../parameters';
import type { FloraClient } from '../../../shared/flora/client';
import { returnAllOrLimit } from '../common.descriptions';

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
				description: 'Words to look for in the technique’s name and description',
			},
			{
				displayName: 'Workspace ID',
				name: 'workspaceId',
				type: 'string',
				default: '',
				placeholder: 'ws_…',
				description: 'Only techniques of this workspace',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['technique'], operation: ['getMany'] } },
	properties,
);

export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = {};
	if (filters.query) qs.query = filters.query;
	if (filters.workspaceId) qs.workspace_id = filters.workspaceId;
	const techniques = await collectPages<Technique>(
		client,
		'/techniques',
		'techniques',
		qs,
		readLimit(this, itemIndex),
		itemIndex,
	);
	return techniques.map((technique) => ({
		json: { ...technique },
		pairedItem: { item: itemIndex },
	}));
}
