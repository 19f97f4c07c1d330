import type { INodeProperties } from 'n8n-workflow';

import * as create from './create.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { create, get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['project'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a project in a workspace, to keep the results of runs together',
				action: 'Create a project',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Read one project by its ID',
				action: 'Get a project',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: "List or search a workspace's projects",
				action: 'Get many projects',
			},
		],
		default: 'getMany',
	},
	...create.description,
	...get.description,
	...getMany.description,
];
