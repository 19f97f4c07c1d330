/* eslint-disable @n8n/community-nodes/node-usable-as-tool -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { FloraClient } from '../../nodes/shared/flora/client';
import { mapItems } from '../../nodes/shared/items';
import { runItem } from '../../nodes/shared/runs/itemRun';
import type { RunKind } from '../../nodes/shared/runs/kind';

/**
 * A node of the tests' own that starts runs through the run lifecycle with a start of its own:
 * a kind of run the lifecycle has never heard of ("probe"), created by a raw request. It shows
 * that the lifecycle needs nothing but how to start a run.
 */
export const PROBE_KIND: RunKind = {
	fields: { probe: 'lifecycle' },
	readPath: '/runs/{runId}',
	history: { path: '/technique-runs', itemsKey: 'technique_runs', qs: {} },
	label: 'Probe run',
};

export class LifecycleProbe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Lifecycle Probe',
		name: 'lifecycleProbe',
		group: ['transform'],
		version: 1,
		description: 'Starts runs through the run lifecycle with a stub start',
		defaults: { name: 'Lifecycle Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'floraApi', required: true }],
		properties: [],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const client = await FloraClient.create(this);
		const items = this.getInputData();
		const output = await mapItems(
			this,
			items,
			async (item, itemIndex) =>
				await runItem(
					this,
					client,
					{ itemIndex, request: item.json, timeoutMs: 60_000, wait: true },
					{ timeoutMs: 60_000, onTimeout: 'error', outputLayout: 'perRun' },
					async (idempotencyKey) => ({
						kind: PROBE_KIND,
						create: {
							path: '/techniques/every-output-type/runs',
							body: {
								inputs: [{ id: 'prompt', type: 'text', value: String(item.json.prompt) }],
								mode: 'async',
								idempotency_key: idempotencyKey,
							},
							stream: false,
						},
					}),
				),
			3,
		);
		return [output];
	}
}
