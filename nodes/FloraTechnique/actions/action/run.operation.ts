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
import { modelFillsInputs } from '../toolInputs';
import { projectLocator, workspaceLocator } from '../workspaceProject';
import { actionRuns } from './actionRun';

const properties: INodeProperties[] = [
	{
		displayName: 'Action',
		name: 'action',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description:
			"The FLORA action to run: a ready-made edit such as resizing a video or stitching clips, at the action's fixed cost",
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select an action…',
				typeOptions: { searchListMethod: 'searchActions', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. resize-video',
				validation: [
					{
						type: 'regex',
						properties: {
							regex: '^[a-z0-9][a-z0-9-]*$',
							errorMessage: 'An action ID is a slug such as resize-video',
						},
					},
				],
			},
		],
	},
	{
		displayName:
			'Media inputs take a public URL, or binary:data (binary: and the binary field name) to upload a file of the item. An input named in the plural (videos) takes several, one per line.',
		name: 'actionFieldsNotice',
		type: 'notice',
		default: '',
	},
	modelFillsInputs,
	{
		displayName: 'Action Inputs',
		name: 'actionFields',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		required: true,
		description:
			"The action's inputs, then its parameters. A media input takes a public URL, or binary:data for a file of the item; one that takes several takes one per line.",
		typeOptions: {
			loadOptionsDependsOn: ['action.value', 'modelFillsInputs'],
			resourceMapper: {
				resourceMapperMethod: 'getActionInputFields',
				mode: 'add',
				fieldWords: { singular: 'field', plural: 'fields' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: false,
				noFieldsError: 'Choose an action to set its inputs',
			},
		},
	},
	workspaceLocator,
	projectLocator,
	// FLORA calls no URL back when an action run ends: the node polls it.
	...waitChoice({ stream: false, webhook: false }),
	runStartOptions({ callback: false }),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['action'], operation: ['run'] } },
	properties,
);

/**
 * The tool's automatic description of Action → Run: the action (the summary field of its
 * inputs gives its name, cost and outputs), the arguments the model gives, and the answer. It runs in
 * n8n's expression engine: see toolDescription.ts.
 */
export function describeToolRun(parameters: IDataObject, helpers: DescribeHelpers): string {
	const listed = helpers.summaryOf(parameters.actionFields, helpers.summaryId);
	let text = helpers.runsSentence('action', parameters.action, listed) + ' ';
	const mapped = helpers.mapperArguments(
		parameters.actionFields,
		helpers.argumentOf,
		helpers.summaryId,
	);
	text += helpers.argumentsSentence(mapped.given, mapped.fixed) + ' ';
	if (listed && listed.gives) text += 'Outputs: ' + listed.gives + '. ';
	return text + helpers.waitsAndAnswers(parameters, 'action_id');
}

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	return await runBatch(this, items, actionRuns);
}
