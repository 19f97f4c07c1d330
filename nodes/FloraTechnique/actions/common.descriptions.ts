import type { INodeProperties } from 'n8n-workflow';

import { TECHNIQUE_ID_REGEX, TECHNIQUE_URL_REGEX } from './parameters';
import { POLL_INTERVAL_RANGE, TIMEOUT_RANGE } from './runOptions';

export const techniqueLocator: INodeProperties = {
	displayName: 'Technique',
	name: 'technique',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The FLORA technique to run',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a technique…',
			typeOptions: { searchListMethod: 'searchTechniques', searchable: true },
		},
		{
			displayName: 'By ID or Slug',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. tech_abc123 or product-shot',
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `^${TECHNIQUE_ID_REGEX}$`,
						errorMessage: 'Give a technique ID (tech_…) or a slug like product-shot',
					},
				},
			],
		},
		{
			displayName: 'By URL',
			name: 'url',
			type: 'string',
			placeholder: 'e.g. https://app.flora.ai/techniques/product-shot',
			extractValue: { type: 'regex', regex: TECHNIQUE_URL_REGEX },
			validation: [
				{
					type: 'regex',
					properties: {
						regex: `^${TECHNIQUE_URL_REGEX}`,
						errorMessage:
							'Give the technique address as FLORA shows it: https://app.flora.ai/techniques/<slug>',
					},
				},
			],
		},
	],
};

/** The options of waiting for a run, shared by Technique → Run and Run → Wait. */
export function waitOptions({ whenWaitingFor }: { whenWaitingFor: boolean }): INodeProperties[] {
	const options: INodeProperties[] = [
		{
			displayName: 'Download Outputs',
			name: 'download',
			type: 'boolean',
			// Adding the option is asking for the files: it comes switched on.
			default: true,
			description:
				'Whether to attach each image, video, audio and document output as binary data, so later nodes can save or send the file',
		},
		{
			displayName: 'Put Output File in Field',
			name: 'binaryPropertyName',
			type: 'string',
			default: 'data',
			hint: 'In the "one item per run" layout the files go into data_0, data_1, … (this name, then the output position)',
			displayOptions: { show: { download: [true] } },
		},
		{
			displayName: 'On Timeout',
			name: 'onTimeout',
			type: 'options',
			default: 'error',
			options: [
				{
					name: 'Fail',
					value: 'error',
					description: whenWaitingFor
						? 'Stop with an error that names the run. When waiting by webhook, n8n resumes without running this node, so an unfinished run comes out as an error item instead.'
						: 'Stop with an error that names the run',
				},
				{
					name: 'Return the Run',
					value: 'returnRun',
					description: 'Output the still-running run so a later step can pick it up',
				},
			],
		},
		{
			displayName: 'Output Layout',
			name: 'outputLayout',
			type: 'options',
			default: 'perOutput',
			options: [
				{ name: 'One Item per Output', value: 'perOutput' },
				{ name: 'One Item per Run', value: 'perRun', description: 'With an "outputs" array' },
			],
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollInterval',
			type: 'number',
			default: 5,
			typeOptions: {
				minValue: POLL_INTERVAL_RANGE.min,
				maxValue: POLL_INTERVAL_RANGE.max,
				numberPrecision: 1,
			},
			description:
				"How often to read each run while waiting. Leave this option out to let the node read a run when FLORA's progress says it may have ended, and read the runs of several items together in one request.",
		},
		{
			displayName: 'Timeout (Seconds)',
			name: 'timeout',
			type: 'number',
			default: 600,
			typeOptions: { minValue: TIMEOUT_RANGE.min, maxValue: TIMEOUT_RANGE.max },
			description: whenWaitingFor
				? 'How long to wait for the run before "On Timeout" applies. When waiting by webhook, how long n8n keeps the execution waiting.'
				: 'How long to wait for the run before "On Timeout" applies',
		},
	];
	if (!whenWaitingFor) return options;
	return options.map((option) => ({
		...option,
		displayOptions: { show: { '/waitForCompletion': [true] } },
	}));
}

/** The Workspace ID and Project ID filters of the Get Many operations (read by readPlaceFilters). */
export const workspaceIdFilter: INodeProperties = {
	displayName: 'Workspace ID',
	name: 'workspaceId',
	type: 'string',
	default: '',
	placeholder: 'ws_…',
};
export const projectIdFilter: INodeProperties = {
	displayName: 'Project ID',
	name: 'projectId',
	type: 'string',
	default: '',
	placeholder: 'prj_…',
};

export const returnAllOrLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		default: 50,
		typeOptions: { minValue: 1 },
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
];

export const runIdField: INodeProperties = {
	displayName: 'Run ID',
	name: 'runId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'run_…',
	description: 'The ID of a run of the technique above, as output by Technique → Run',
};

export const uploadWorkspaceLocator: INodeProperties = {
	displayName: 'Upload Workspace',
	name: 'workspace',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	hint: 'Needed only when an input takes a file of the item, such as binary:data: the file is uploaded into this workspace',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'Select a workspace…',
			typeOptions: { searchListMethod: 'searchWorkspaces', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. ws_abc123',
			validation: [
				{
					type: 'regex',
					// Empty is fine: the workspace is needed only when an input uploads a file.
					properties: { regex: '^(ws_\\S+)?$', errorMessage: 'A workspace ID starts with ws_' },
				},
			],
		},
	],
};
