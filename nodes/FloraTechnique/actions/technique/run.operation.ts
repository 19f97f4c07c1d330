import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { techniqueLocator, uploadWorkspaceLocator, waitOptions } from '../common.descriptions';
import { runBatch } from '../runBatch';
import { CONCURRENCY_RANGE, DEFAULT_CONCURRENCY } from '../runOptions';
import { spendingOptions } from '../spendingGuard';
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
			loadOptionsDependsOn: ['technique.value'],
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
	{
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the run ends and output its results. When off, the node outputs the started run at once.',
	},
	{
		displayName: 'Wait By',
		name: 'waitMode',
		type: 'options',
		default: 'poll',
		// In Stream mode the node follows FLORA's event stream (and reads the run if it breaks).
		displayOptions: { show: { waitForCompletion: [true], mode: ['async'] } },
		options: [
			{
				name: 'Polling',
				value: 'poll',
				description: 'Read the run until it ends; the n8n worker stays busy meanwhile',
			},
			{
				name: 'Webhook (Frees the Worker)',
				value: 'webhook',
				description:
					"FLORA calls this execution back when each run ends; n8n waits without holding a worker. Needs a public HTTPS n8n URL and the credential's webhook signing secret.",
			},
		],
	},
	uploadWorkspaceLocator,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				default: DEFAULT_CONCURRENCY,
				typeOptions: { minValue: CONCURRENCY_RANGE.min, maxValue: CONCURRENCY_RANGE.max },
				description:
					"How many items' runs to start and wait for at once. Outputs keep the items' order either way; 1 starts the runs strictly one after another.",
			},
			{
				displayName: 'Callback URL',
				name: 'callbackUrl',
				type: 'string',
				default: '',
				placeholder: 'https://…',
				description:
					'A public HTTPS address FLORA calls when the run ends, such as the URL of a FLORA Trigger node',
			},
			{
				displayName: 'Idempotency Key',
				name: 'idempotencyKey',
				type: 'string',
				default: '',
				description:
					'A key that keeps FLORA from starting the same run twice within two hours. Leave empty: the node makes one for each item and reuses it when it has to retry.',
			},
			...waitOptions({ whenWaitingFor: true }),
			...spendingOptions,
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['technique'], operation: ['run'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runBatch(this, items, techniqueRuns);
}
