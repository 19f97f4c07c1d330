import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { FloraClient } from '../../../shared/flora/client';
import { asNodeError } from '../../../shared/flora/errors';
import { getTechnique } from '../../../shared/flora/techniques';
import { mapItems } from '../../../shared/items';
import { namingOtherStartedRuns, runItem, startItemRun } from '../../../shared/runs/itemRun';
import { collectWaitedRuns, resumedWait } from '../../../shared/runs/webhookResume';
import { checkResumeTarget, startAndWaitByWebhook } from '../../../shared/runs/webhookWait';
import { techniqueLocator, uploadWorkspaceLocator, waitOptions } from '../common.descriptions';
import { CONCURRENCY_RANGE, DEFAULT_CONCURRENCY } from '../runOptions';
import type { PreparedRun } from './techniqueRun';
import { explainRefusal, prepareRun, techniqueRunRequest, techniqueRunStart } from './techniqueRun';

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
	const client = await FloraClient.create(this);
	// After a webhook wait, n8n runs the node again on the items the last callback resumed it
	// with: the runs have ended and are collected; nothing is started.
	const waited = resumedWait(this, items);
	if (waited) {
		const output = await collectWaitedRuns(this, client, waited);
		const techniqueId = waited.runs.find((ref) => ref)?.kind.fields.technique_id;
		if (typeof techniqueId === 'string') await hintRunCost(this, client, techniqueId, output);
		return output;
	}
	// Every item's parameters are checked before the first run is started (and paid for).
	const prepared = items.map((_, itemIndex) => {
		try {
			return prepareRun(this, itemIndex);
		} catch (error) {
			if (!this.continueOnFail()) throw asNodeError(this.getNode(), error, itemIndex);
			return asNodeError(this.getNode(), error, itemIndex);
		}
	});
	const first = prepared.find((item): item is PreparedRun => !(item instanceof Error));
	if (first?.wait && first.waitMode === 'webhook') {
		const resumeUrl = await checkResumeTarget(this, first.options.callbackUrl);
		return await startAndWaitByWebhook(
			this,
			prepared,
			async (item, itemIndex) => {
				if (item instanceof NodeOperationError || item instanceof NodeApiError) throw item;
				return await startItemRun(
					this,
					client,
					techniqueRunRequest(item, itemIndex, resumeUrl),
					techniqueRunStart(this, client, item, itemIndex, resumeUrl),
				).catch(async (error: unknown) => {
					throw await explainRefusal(client, item, error);
				});
			},
			first.options,
		);
	}
	const output = await mapItems(
		this,
		prepared,
		async (item, itemIndex) => {
			if (item instanceof NodeOperationError || item instanceof NodeApiError) throw item;
			return await runItem(
				this,
				client,
				techniqueRunRequest(item, itemIndex),
				item.options,
				techniqueRunStart(this, client, item, itemIndex),
			).catch(async (error: unknown) => {
				throw await explainRefusal(client, item, error);
			});
		},
		first?.options.concurrency ?? DEFAULT_CONCURRENCY,
	).catch((error: unknown) => {
		throw namingOtherStartedRuns(this, error);
	});
	if (first) await hintRunCost(this, client, first.technique, output);
	return output;
}

/** Tells the user in the output pane what the runs of this execution cost. */
async function hintRunCost(
	context: IExecuteFunctions,
	client: FloraClient,
	techniqueIdOrSlug: string,
	output: INodeExecutionData[],
) {
	// A failed run's error item names its run inside `error`.
	const runs = new Set(
		output
			.map((item) => item.json.run_id ?? (item.json.error as IDataObject | undefined)?.run_id)
			.filter((runId) => typeof runId === 'string'),
	);
	if (runs.size === 0) return;
	// A hint is a courtesy: a technique that could not be read (an item's error says why) gets none.
	const technique = await getTechnique(client, techniqueIdOrSlug).catch(() => undefined);
	if (!technique) return;
	const charged = new Map<unknown, number>();
	for (const item of output) {
		if (typeof item.json.charged_cost === 'number')
			charged.set(item.json.run_id, item.json.charged_cost);
	}
	const total = [...charged.values()].reduce((sum, cost) => sum + cost, 0);
	context.addExecutionHints({
		message: `"${technique.name}" costs $${technique.run_cost.toFixed(2)} a run. This execution started ${runs.size} run${runs.size === 1 ? '' : 's'}; FLORA charged $${total.toFixed(2)} for those that completed.`,
		location: 'outputPane',
	});
}
