import type { INodeProperties } from 'n8n-workflow';

import * as getMany from './getMany.operation';
import * as run from './run.operation';

export { getMany, run };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['action'] } },
		options: [
			{
				name: 'Run',
				value: 'run',
				description:
					'Run a ready-made edit (resize or stitch videos, crop or rotate images, split text…) on URLs or files of the item, and output the result',
				action: 'Run an action',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description:
					'List the actions FLORA offers, with their inputs, parameters and cost per run',
				action: 'Get many actions',
			},
		],
		default: 'run',
	},
	...run.description,
	...getMany.description,
];
