import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { readTechnique } from '../../helpers/params';
import { getTechnique } from '../../../shared/flora/techniques';
import { FloraClient } from '../../../shared/flora/client';
import { techniqueLocator } from '../common.descriptions';

const properties: INodeProperties[] = [techniqueLocator];

export const description = updateDisplayOptions(
	{ show: { resource: ['technique'], operation: ['get'] } },
	properties,
);

export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	const client = await FloraClient.create(this);
	return await mapItems(this, items, async (_item, itemIndex) => {
		const technique = await getTechnique(client, readTechnique(this, itemIndex), itemIndex);
		return [{ json: { ...technique }, pairedItem: { item: itemIndex } }];
	});
}
