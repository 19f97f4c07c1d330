import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { router } from './actions/router';
import { listSearch, resourceMapping } from './methods';
import * as run from './actions/run/Run.resource';
import * as technique from './actions/technique/Technique.resource';

export class FloraTechnique implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'FLORA Technique',
		name: 'floraTechnique',
		icon: { light: 'file:../../icons/flora.svg', dark: 'file:../../icons/flora.dark.svg' },
		group: ['transform'],
		version: [1, 2],
		defaultVersion: 2,
		subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
		description:
			'Run a FLORA technique (a reusable creative-AI pipeline for images, video, audio and text) and output its results',
		defaults: { name: 'FLORA Technique' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'floraApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: [
					{ name: 'Technique', value: 'technique' },
					{ name: 'Run', value: 'run' },
				],
				default: 'technique',
			},
			...technique.description,
			...run.description,
		],
	};

	methods = { listSearch, resourceMapping };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
