import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { readRunReference } from '../../helpers/params';
import { getTechnique } from '../../../shared/flora/techniques';
import { readRun } from '../../helpers/wait';
import { FloraClient } from '../../../shared/flora/client';
import { runIdField, techniqueLocator } from '../common.descriptions';

const properties: INodeProperties[] = [techniqueLocator, runIdField];

export const description = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await FloraClient.create(this);
	return await mapItems(this, items, async (_item, itemIndex) => {
		const { technique, runId } = readRunReference(this, itemIndex);
		const { technique_id: techniqueId } = await getTechnique(client, technique, itemIndex);
		const run = await readRun(client, techniqueId, { run_id: runId }, itemIndex);
		return [{ json: { ...run, technique_id: techniqueId }, pairedItem: { item: itemIndex } }];
	});
}
