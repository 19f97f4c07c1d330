import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import { getTechnique } from '../../../shared/flora/techniques';
import { techniqueLocator } from '../common.descriptions';
import { readTechnique } from '../parameters';

const properties: INodeProperties[] = [techniqueLocator];

export const description = updateDisplayOptions(
	{ show: { resource: ['technique'], operation: ['get'] } },
	properties,
);

export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const technique = await getTechnique(client, readTechnique(this, itemIndex), itemIndex);
	return [{ json: { ...technique }, pairedItem: { item: itemIndex } }];
}
