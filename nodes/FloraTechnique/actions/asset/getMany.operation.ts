import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import { collectPages } from '../../../shared/flora/paging';
import type { Asset } from '../../../shared/flora/types';
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
			projectIdFilter,
			{
				displayName: 'Search',
				name: 'query',
				type: 'string',
				default: '',
				description: "Words to look for in the asset's name and description",
			},
			workspaceIdFilter,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['asset'], operation: ['getMany'] } },
	properties,
);

/** The assets the key can see (GET /assets), newest first, optionally filtered. */
export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs = readPlaceFilters(this, filters, itemIndex);
	if (filters.query) qs.query = filters.query;
	const assets = await collectPages<Asset>(
		client,
		'/assets',
		'assets',
		qs,
		readLimit(this, itemIndex),
		itemIndex,
	);
	return assets.map((asset) => ({ json: { ...asset }, pairedItem: { item: itemIndex } }));
}
