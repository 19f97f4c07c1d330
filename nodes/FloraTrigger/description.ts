import type { INodeProperties } from 'n8n-workflow';

export const properties: INodeProperties[] = [
	{
		displayName:
			'Paste this node’s Production URL as the Callback URL of a FLORA run (the FLORA Technique node’s Callback URL option, or <code>callback_url</code> in the API). FLORA calls it once the run completes or fails. Every call must carry a valid <code>Flora-Signature</code> made with the Webhook Signing Secret of the FLORA credential: calls without it, forged, older than 5 minutes or already seen start nothing.<br /><br />Each call becomes one item: <code>event</code>, <code>delivery_id</code>, <code>created_at</code>, <code>run_id</code>, <code>run_type</code>, <code>status</code>, <code>workspace_id</code>, <code>error_code</code> and <code>error_message</code> (failed runs), and with Include Run Outputs the run as FLORA reports it in <code>run</code> (with <code>technique_id</code> and <code>outputs</code>), or <code>run_error</code> when it could not be read.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
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
		description: 'Which run endings start the workflow; other calls are acknowledged and ignored',
	},
	{
		displayName: 'Include Run Outputs',
		name: 'includeRun',
		type: 'boolean',
		default: true,
		description:
			'Whether to read the run from FLORA and add it, with its outputs, to the item (FLORA’s call itself carries no outputs)',
	},
];
