import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { runBatch } from '../runBatch';
import { runStartOptions, waitChoice } from '../runProperties';
import { projectLocator, workspaceLocator } from '../workspaceProject';
import { generationRuns } from './generationRun';

const properties: INodeProperties[] = [
	{
		displayName: 'Type',
		name: 'generationType',
		type: 'options',
		default: 'image',
		noDataExpression: true,
		options: [
			{ name: 'Image', value: 'image' },
			{ name: 'Video', value: 'video' },
			{ name: 'Audio', value: 'audio' },
			{ name: 'Text', value: 'text' },
		],
		description: 'What to generate',
	},
	{
		displayName: 'Model',
		name: 'model',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		description: 'The model to generate with. Leave it empty to let FLORA choose one for the type.',
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a model…',
				typeOptions: { searchListMethod: 'searchModels', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. flux-pro',
			},
		],
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'e.g. A cinematic product photo of a ceramic mug on a sunlit table',
		description: 'What the model makes',
	},
	{
		displayName:
			"Parameters left out take the model's defaults. A parameter that takes images takes a list of public URLs, or of binary:data entries (binary: and the binary field name) to upload files of the item.",
		name: 'modelParamsNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Model Parameters',
		name: 'modelParams',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		description:
			"The model's own parameters; those left empty take the model's defaults. A parameter that takes images takes a public URL, or binary:data for a file of the item.",
		typeOptions: {
			loadOptionsDependsOn: ['model.value', 'generationType'],
			resourceMapper: {
				resourceMapperMethod: 'getModelParamFields',
				mode: 'add',
				fieldWords: { singular: 'parameter', plural: 'parameters' },
				addAllFields: false,
				multiKeyMatch: false,
				supportAutoMap: false,
				noFieldsError: 'Choose a model to set its parameters',
			},
		},
	},
	workspaceLocator,
	projectLocator,
	...waitChoice({ stream: false, webhook: true }),
	runStartOptions({ callback: true }),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['generation'], operation: ['generate'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runBatch(this, items, generationRuns);
}
