import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { runBatch } from '../runBatch';
import { runStartOptions, waitChoice } from '../runProperties';
import type { DescribeHelpers } from '../toolDescription';
import { fromAiValue, inputArgument } from '../toolInputs';
import { projectLocator, workspaceLocator } from '../workspaceProject';
import { generationRuns } from './generationRun';

/** In the tool, the prompt asks the model by default, described. */
function promptByCaller(): INodeProperties[] {
	const prompt: INodeProperties = {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		required: true,
		placeholder: 'e.g. A cinematic product photo of a ceramic mug on a sunlit table',
		description: 'What the model makes',
	};
	const described = inputArgument({
		name: 'Prompt',
		kind: 'text',
		required: true,
		description: 'What the model makes, described in words.',
	});
	return [
		{ ...prompt, displayOptions: { hide: { '@tool': [true] } } },
		{
			...prompt,
			default: fromAiValue('prompt', described),
			displayOptions: { show: { '@tool': [true] } },
		},
	];
}

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
	...promptByCaller(),
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

/**
 * The tool's automatic description of Generation → Generate: the model (the summary field of
 * its parameters gives its name and credits), the arguments the model gives, and the answer. It runs in
 * n8n's expression engine: see toolDescription.ts.
 */
export function describeToolGenerate(parameters: IDataObject, helpers: DescribeHelpers): string {
	const type = String(parameters.generationType || 'image');
	const id = String(parameters.model || '');
	const listed = helpers.summaryOf(parameters.modelParams, helpers.summaryId);
	const made =
		({ image: 'an image', video: 'a video', audio: 'audio', text: 'text' } as IDataObject)[type] ||
		type;
	let text = 'Generates ' + made + ' with ';
	if (id === '') text += 'the model FLORA picks for ' + type;
	else if (listed) text += 'the FLORA model "' + listed.name + '" (' + id + ')';
	else text += 'the FLORA model ' + id;
	const credits = listed ? /([0-9.]+) credits/.exec(listed.cost) : null;
	if (credits) text += ', about ' + credits[1] + ' credits a run';
	text += '. ';
	// The prompt is the model's argument or the workflow's: its own parameter schema says which.
	const mapped = helpers.mapperArguments(
		parameters.modelParams,
		helpers.argumentOf,
		helpers.summaryId,
	);
	text += 'Takes a prompt. ';
	if (mapped.given.length > 0 || mapped.fixed.length > 0) {
		text += helpers.argumentsSentence(mapped.given, mapped.fixed) + ' ';
	}
	text += 'Output: ' + type + '. ';
	return text + helpers.waitsAndAnswers(parameters, 'model_id');
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runBatch(this, items, generationRuns);
}
