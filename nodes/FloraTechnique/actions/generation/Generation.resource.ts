import type { INodeProperties } from 'n8n-workflow';

import * as generate from './generate.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

export { generate, get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['generation'] } },
		options: [
			{
				name: 'Generate',
				value: 'generate',
				description:
					'Generate an image, video, audio or text from a prompt with a model, and output the result',
				action: 'Generate with a model',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Read one run by its ID: a generation, an action run or a technique run',
				action: 'Get a generation',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List past generations, newest first, optionally filtered',
				action: 'Get many generations',
			},
		],
		default: 'generate',
	},
	...generate.description,
	...get.description,
	...getMany.description,
];
