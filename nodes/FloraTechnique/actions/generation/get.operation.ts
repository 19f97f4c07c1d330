import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import type { Run } from '../../../shared/flora/types';
import { runIdField } from '../common.descriptions';
import { readPrefixedId } from '../parameters';

const properties: INodeProperties[] = [
	{
		...runIdField,
		description: 'The ID of a run, as output by Generation → Generate or Action → Run',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['generation'], operation: ['get'] } },
	properties,
);

/** Any run by its ID (GET /runs/{runId}): a generation, an action run, or a technique run. */
export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const runId = readPrefixedId(
		this,
		this.getNodeParameter('runId', itemIndex),
		'run',
		'Run ID',
		itemIndex,
	);
	const { body } = await client.request<Run>({
		method: 'GET',
		path: `/runs/${encodeURIComponent(runId)}`,
		retry: 'safe',
		itemIndex,
	});
	return [{ json: { ...body }, pairedItem: { item: itemIndex } }];
}
