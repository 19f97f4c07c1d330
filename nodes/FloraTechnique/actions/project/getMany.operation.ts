import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import { collectPages } from '../../../shared/flora/paging';
import type { Project } from '../../../shared/flora/types';
import { returnAllOrLimit } from '../common.descriptions';
import { readLimit } from '../parameters';
import { readWorkspaceId, workspaceLocator } from '../workspaceProject';

const properties: INodeProperties[] = [
	workspaceLocator,
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
				description: "Words to look for in the project's name",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['project'], operation: ['getMany'] } },
	properties,
);

/** The workspace's projects (GET /projects), most recently active first. */
export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const qs: IDataObject = { workspace_id: readWorkspaceId(this, itemIndex) };
	if (filters.query) qs.query = filters.query;
	const projects = await collectPages<Project>(
		client,
		'/projects',
		'projects',
		qs,
		readLimit(this, itemIndex),
		itemIndex,
	);
	return projects.map((project) => ({ json: { ...project }, pairedItem: { item: itemIndex } }));
}
