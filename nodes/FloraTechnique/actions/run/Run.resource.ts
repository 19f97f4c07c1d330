import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as wait from './wait.operation';

export { get, getMany, wait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['run'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Read one run, with its outputs once it has ended',
				action: 'Get a run',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List runs, newest first, optionally filtered',
				action: 'Get many runs',
			},
			{
				name: 'Wait',
				value: 'wait',
				description: 'Wait for an existing run to end, then output its results',
				action: 'Wait for a run',
			},
		],
		default: 'get',
	},
	...get.description,
	...getMany.description,
	...wait.description,
];
