import type { INodeProperties } from 'n8n-workflow';

export const properties: INodeProperties[] = [
	{
		displayName:
			'<b>Test URL</b>: press "Execute step" here, then start a FLORA run with this URL as its callback (the Callback URL option of FLORA Technique, or <code>callback_url</code>): its call shows up here. <b>Production URL</b>: activate (publish) the workflow and give your runs that URL instead; each run that ends then starts one execution.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		// Not "Events": n8n's node panel turns a field of that name into trigger actions, and then
		// lists the trigger as just "FLORA".
		displayName: 'Run Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		options: [
			{
				name: 'Run Completed',
				value: 'run.completed',
				description: 'A run finished and its outputs are ready',
			},
			{
				name: 'Run Failed',
				value: 'run.failed',
				description: 'A run ended with an error (not charged)',
			},
		],
		default: ['run.completed', 'run.failed'],
		description:
			'Which run endings start the workflow; other calls are acknowledged and ignored. Every call must be signed by FLORA (the Webhook Signing Secret of the credential): unsigned, forged, stale or repeated calls start nothing.',
	},
	{
		displayName: 'Include Run Outputs',
		name: 'includeRun',
		type: 'boolean',
		default: true,
		description:
			'Whether to read the run from FLORA and add it to the item as run, with its outputs (FLORA’s call itself carries no outputs). The item always has event, delivery_id, run_id, status and, for failed runs, error_code and error_message.',
	},
];
