import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { finishRun } from '../../helpers/finishRun';
import { mapItems } from '../../../shared/items';
import { readRunOptions, readRunReference } from '../../helpers/params';
import { getTechnique } from '../../../shared/flora/techniques';
import { readRun } from '../../helpers/wait';
import { FloraClient } from '../../../shared/flora/client';
import { runIdField, techniqueLocator, waitOptions } from '../common.descriptions';

const properties: INodeProperties[] = [
	techniqueLocator,
	runIdField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: waitOptions({ whenWaitingFor: false }),
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['wait'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await FloraClient.create(this);
	return await mapItems(this, items, async (_item, itemIndex) => {
		const { technique, runId } = readRunReference(this, itemIndex);
		const options = readRunOptions(this, itemIndex);
		const startedAt = Date.now();
		const { technique_id: techniqueId } = await getTechnique(client, technique, itemIndex);
		const run = await readRun(client, techniqueId, { run_id: runId }, itemIndex);
		return await finishRun(this, client, techniqueId, { run, startedAt }, options, itemIndex);
	});
}
