import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import { getTechnique } from '../../../shared/flora/techniques';
import { readRun } from '../../../shared/runs/poll';
import { techniqueRunKind } from '../../runKinds';
import { runIdField, techniqueLocator } from '../common.descriptions';
import { readRunReference } from '../parameters';

const properties: INodeProperties[] = [techniqueLocator, runIdField];

export const description = updateDisplayOptions(
	{ show: { resource: ['run'], operation: ['get'] } },
	properties,
);

export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const { technique, runId } = readRunReference(this, itemIndex);
	const found = await getTechnique(client, technique, itemIndex);
	const run = await readRun(client, techniqueRunKind(found), { run_id: runId }, itemIndex);
	return [{ json: { ...run, technique_id: found.technique_id }, pairedItem: { item: itemIndex } }];
}
