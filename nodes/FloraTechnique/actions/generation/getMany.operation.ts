import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import { collectPages } from '../../../shared/flora/paging';
import { projectIdFilter, returnAllOrLimit, workspaceIdFilter } from '../common.descriptions';
import { readLimit, readPlaceFilters } from '../parameters';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			workspaceIdFilter,
			projectIdFilter,
			{
				displayName: 'Status',
				name: 'status',
				type: 'options',
				default: 'completed',
				options: [
					{ name: 'Completed', value: 'completed' },
					{ name: 'Failed', value: 'failed' },
					{ name: 'Pending', value: 'pending' },
					{ name: 'Running', value: 'running' },
				],
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['generation'], operation: ['getMany'] } },
	properties,
);

/** The generation history (GET /generations), newest first. */
export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs = readPlaceFilters(this, filters, itemIndex);
	if (filters.status) qs.status = filters.status;
	const generations = await collectPages<IDataObject>(
		client,
		'/generations',
		'generations',
		qs,
		readLimit(this, itemIndex),
		itemIndex,
	);
	return generations.map((generation) => ({
		json: { ...generation },
		pairedItem: { item: itemIndex },
	}));
}
