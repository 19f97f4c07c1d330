import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { techniqueLocator, uploadWorkspaceLocator } from '../common.descriptions';
import { runBatch } from '../runBatch';
import { runStartOptions, waitChoice } from '../runProperties';
import type { DescribeHelpers } from '../toolDescription';
import { modelFillsInputs } from '../toolInputs';
import { techniqueRuns } from './techniqueRun';

const inputsSourceOptions = {
	fields: {
		name: 'From the Technique',
		value: 'fields',
		description: 'One field per input of the technique, read from FLORA',
	},
	manual: {
		name: 'Define Below',
		value: 'manual',
		description: 'List each input with its slot ID, type and value',
	},
	json: {
		name: 'JSON',
		value: 'json',
		description: 'Give the inputs as a JSON array, for example built by an earlier node',
	},
};

/** Version 1 saved workflows keep "Define Below" as their default; version 2 reads the technique's fields. */
function inputsSourceByVersion(): INodeProperties[] {
	const base: INodeProperties = {
		displayName: 'Inputs Source',
		name: 'inputsSource',
		type: 'options',
		noDataExpression: true,
		default: 'manual',
		options: [],
	};
	return [
		{
			...base,
			options: [inputsSourceOptions.manual, inputsSourceOptions.json],
			displayOptions: { show: { '@version': [1] } },
		},
		{
			...base,
			default: 'fields',
			options: [inputsSourceOptions.fields, inputsSourceOptions.manual, inputsSourceOptions.json],
			displayOptions: { show: { '@version': [{ _cnd: { gte: 2 } }] } },
		},
	];
}

const properties: INodeProperties[] = [
	techniqueLocator,
	...inputsSourceByVersion(),
	{ ...modelFillsInputs, displayOptions: { show: { inputsSource: ['fields'], '@tool': [true] } } },
	{
		displayName:
			'Image and video inputs take a public URL, or binary:data (binary: and the binary field name) to upload a file of the item. An input named in the plural (images) takes several, one per line; one that shows el_… also takes an element ID.',
		name: 'inputFieldsNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { inputsSource: ['fields'] } },
	},
	{
		displayName: 'Inputs',
		name: 'inputFields',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		description:
			"The technique's inputs. Image and video inputs take a public URL, or binary:data (binary: and a binary field name) to upload a file of the item.",
		typeOptions: {
			loadOptionsDependsOn: ['technique.value', 'modelFillsInputs'],
			resourceMapper: {
				resourceMapperMethod: 'getTechniqueInputFields',
				mode: 'add',
				fieldWords: { singular: 'input', plural: 'inputs' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: false,
				noFieldsError: 'This technique takes no inputs',
			},
		},
		displayOptions: { show: { inputsSource: ['fields'] } },
	},
	{
		displayName: 'Inputs',
		name: 'inputs',
		type: 'fixedCollection',
		placeholder: 'Add Input',
		typeOptions: { multipleValues: true, sortable: true },
		default: {},
		description: "The technique's inputs. Each slot ID comes from the technique's schema.",
		displayOptions: { show: { inputsSource: ['manual'] } },
		options: [
			{
				displayName: 'Input',
				name: 'input',
				values: [
					{
						displayName: 'Slot ID',
						name: 'id',
						type: 'string',
						default: '',
						placeholder: 'e.g. prompt',
						description: 'The ID of the input slot, as listed in the technique',
					},
					{
						displayName: 'Type',
						name: 'type',
						type: 'options',
						default: 'text',
						options: [
							{ name: 'Text', value: 'text' },
							{ name: 'Image URL', value: 'imageUrl' },
							{ name: 'Video URL', value: 'videoUrl' },
						],
					},
					{
						displayName: 'Value',
						name: 'value',
						type: 'string',
						default: '',
						description: 'Text, or a public URL of the image or video',
					},
				],
			},
		],
	},
	{
		displayName: 'Inputs (JSON)',
		name: 'inputsJson',
		type: 'json',
		default: '[\n  {\n    "id": "prompt",\n    "type": "text",\n    "value": ""\n  }\n]',
		description:
			'An array of inputs: objects with "ID", "type" (text, imageUrl or videoUrl) and "value"',
		displayOptions: { show: { inputsSource: ['json'] } },
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		default: 'async',
		options: [
			{
				name: 'Async',
				value: 'async',
				description: 'Start the run, then read its state until it ends',
			},
			{
				name: 'Stream',
				value: 'stream',
				description:
					'Follow the run as FLORA streams its progress until it ends (the worker stays busy); falls back to reading its state',
			},
		],
	},
	...waitChoice({ stream: true, webhook: true }),
	uploadWorkspaceLocator,
	runStartOptions({ callback: true }),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['technique'], operation: ['run'] } },
	properties,
);

/**
 * The tool's automatic description of Technique → Run: the technique (the summary field of
 * its inputs gives its name, cost and outputs), the arguments the model gives, and the answer. It runs
 * in n8n's expression engine: see toolDescription.ts.
 */
export function describeToolRun(parameters: IDataObject, helpers: DescribeHelpers): string {
	const listed = helpers.summaryOf(parameters.inputFields, helpers.summaryId);
	let text = helpers.runsSentence('technique', parameters.technique, listed) + ' ';
	const given: string[] = [];
	const fixed: string[] = [];
	if (parameters.inputsSource === 'json') {
		// n8n would evaluate the JSON's expression here, before the model gave anything.
		text += 'Takes its inputs as a JSON array of {"id", "type", "value"}. ';
	} else if (parameters.inputsSource === 'manual') {
		const list = ((parameters.inputs || {}) as IDataObject).input;
		for (const input of (Array.isArray(list) ? list : []) as IDataObject[]) {
			const argument = helpers.argumentOf(input.value, input.id + ': ' + input.type);
			if (argument) given.push(argument);
			else fixed.push(String(input.id));
		}
	} else {
		const mapped = helpers.mapperArguments(
			parameters.inputFields,
			helpers.argumentOf,
			helpers.summaryId,
		);
		given.push(...mapped.given);
		fixed.push(...mapped.fixed);
	}
	if (parameters.inputsSource !== 'json') text += helpers.argumentsSentence(given, fixed) + ' ';
	if (listed && listed.gives) text += 'Outputs: ' + listed.gives + '. ';
	return text + helpers.waitsAndAnswers(parameters, 'technique_id');
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runBatch(this, items, techniqueRuns);
}
