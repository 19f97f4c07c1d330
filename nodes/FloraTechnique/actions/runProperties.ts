import type { INodeProperties } from 'n8n-workflow';

import { waitOptions } from './common.descriptions';
import { CONCURRENCY_RANGE, DEFAULT_CONCURRENCY } from './runOptions';
import { spendingOptions } from './spendingGuard';

/**
 * Wait for Completion and Wait By, as every operation that starts runs shows them; with a Mode
 * that can stream (Technique → Run), Wait By applies to Async runs only. Runs FLORA cannot call
 * back (action runs) are waited for by polling, with no Wait By.
 */
export function waitChoice({
	stream,
	webhook,
}: {
	stream: boolean;
	webhook: boolean;
}): INodeProperties[] {
	const waitForCompletion: INodeProperties = {
		displayName: 'Wait for Completion',
		name: 'waitForCompletion',
		type: 'boolean',
		default: true,
		description:
			'Whether to wait until the run ends and output its results. When off, the node outputs the started run at once.',
	};
	if (!webhook) return [waitForCompletion];
	return [
		waitForCompletion,
		{
			displayName: 'Wait By',
			name: 'waitMode',
			type: 'options',
			default: 'poll',
			// In Stream mode the node follows FLORA's event stream (and reads the run if it breaks).
			displayOptions: {
				show: { waitForCompletion: [true], ...(stream ? { mode: ['async'] } : {}) },
			},
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
	];
}

/** The Options of every operation that starts runs (a Callback URL where FLORA takes one). */
export function runStartOptions({ callback }: { callback: boolean }): INodeProperties {
	return {
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
			...(callback ? [callbackUrlOption] : []),
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
	};
}

const callbackUrlOption: INodeProperties = {
	displayName: 'Callback URL',
	name: 'callbackUrl',
	type: 'string',
	default: '',
	placeholder: 'https://…',
	description:
		'A public HTTPS address FLORA calls when the run ends, such as the URL of a FLORA Trigger node',
};
