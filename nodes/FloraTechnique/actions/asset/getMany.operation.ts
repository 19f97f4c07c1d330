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
import { returnAllOrLimit } from '../common.descriptions';
import { readLimit, readPrefixedId } from '../parameters';

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
				displayName: 'Project ID',
				name: 'projectId',
				type: 'string',
				default: '',
				placeholder: 'prj_…',
			},
			{
				displayName: 'Search',
				name: 'query',
				type: 'string',
				default: '',
				description: "Words to look for in the asset's name and description",
			},
			{
				displayName: 'Workspace ID',
				name: 'workspaceId',
				type: 'string',
				default: '',
				placeholder: 'ws_…',
			},
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
	const qs: IDataObject = {};
	if (filters.workspaceId)
		qs.workspace_id = readPrefixedId(this, filters.workspaceId, 'ws', 'Workspace ID', itemIndex);
	if (filters.projectId)
		qs.project_id = readPrefixedId(this, filters.projectId, 'prj', 'Project ID', itemIndex);
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
