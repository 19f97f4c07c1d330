import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';

export { getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['model'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description:
					'List the models FLORA generates with, by type, with their parameters and estimated credits and seconds',
				action: 'Get many models',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
];
