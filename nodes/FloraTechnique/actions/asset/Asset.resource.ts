import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as upload from './upload.operation';

export { get, getMany, upload };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['asset'] } },
		options: [
			{
				name: 'Upload',
				value: 'upload',
				description:
					"Upload a file of the item or from a public URL to a workspace's library, and output the asset with its FLORA URL once it is ready",
				action: 'Upload an asset',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Read one asset by its ID, with its status and URL',
				action: 'Get an asset',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List or search assets, newest first',
				action: 'Get many assets',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...get.description,
	...getMany.description,
];
