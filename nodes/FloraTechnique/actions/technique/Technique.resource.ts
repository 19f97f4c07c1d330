import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as run from './run.operation';

export { get, getMany, run };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['technique'] } },
		options: [
			{
				name: 'Run',
				value: 'run',
				description: 'Run a technique with the given inputs and output its results',
				action: 'Run a technique',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Read one technique with its input and output slots and its run cost',
				action: 'Get a technique',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List or search techniques',
				action: 'Get many techniques',
			},
		],
		default: 'run',
	},
	...run.description,
	...get.description,
	...getMany.description,
];
