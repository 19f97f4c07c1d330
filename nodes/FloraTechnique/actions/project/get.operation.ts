import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import type { Project } from '../../../shared/flora/types';
import { readPrefixedId } from '../parameters';

const properties: INodeProperties[] = [
	{
		displayName: 'Project ID',
		name: 'projectId',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'prj_…',
		description: 'The ID of the project, as Project → Get Many or a run outputs it',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['project'], operation: ['get'] } },
	properties,
);

export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const projectId = readPrefixedId(
		this,
		this.getNodeParameter('projectId', itemIndex),
		'prj',
		'Project ID',
		itemIndex,
	);
	const { body } = await client.request<Project>({
		method: 'GET',
		path: `/projects/${encodeURIComponent(projectId)}`,
		retry: 'safe',
		itemIndex,
	});
	return [{ json: { ...body }, pairedItem: { item: itemIndex } }];
}
