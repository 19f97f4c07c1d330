import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import { collectPages } from '../../../shared/flora/paging';
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
				displayName: 'Workspace ID',
				name: 'workspaceId',
				type: 'string',
				default: '',
				placeholder: 'ws_…',
			},
			{
				displayName: 'Project ID',
				name: 'projectId',
				type: 'string',
				default: '',
				placeholder: 'prj_…',
			},
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
	const qs: IDataObject = {};
	if (filters.workspaceId)
		qs.workspace_id = readPrefixedId(this, filters.workspaceId, 'ws', 'Workspace ID', itemIndex);
	if (filters.projectId)
		qs.project_id = readPrefixedId(this, filters.projectId, 'prj', 'Project ID', itemIndex);
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
