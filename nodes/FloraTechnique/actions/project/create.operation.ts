import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import { createProject } from '../../../shared/flora/projects';
import { readWorkspaceId, workspaceLocator } from '../workspaceProject';

const properties: INodeProperties[] = [
	workspaceLocator,
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. Spring campaign',
		description: 'The name of the new project',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['project'], operation: ['create'] } },
	properties,
);

/** A new project in the workspace (POST /projects); a retry never makes a second one. */
export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const workspaceId = readWorkspaceId(this, itemIndex);
	const name = String(this.getNodeParameter('name', itemIndex, '') ?? '').trim();
	if (name === '') {
		throw new NodeOperationError(this.getNode(), 'Name is empty', {
			itemIndex,
			description: 'Give the new project a name.',
		});
	}
	const project = await createProject(client, workspaceId, name, itemIndex);
	return [{ json: { ...project }, pairedItem: { item: itemIndex } }];
}
