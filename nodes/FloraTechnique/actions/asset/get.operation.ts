import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import type { Asset } from '../../../shared/flora/types';

const properties: INodeProperties[] = [
	{
		displayName: 'Asset ID',
		name: 'assetId',
		type: 'string',
		default: '',
		required: true,
		description: 'The ID of the asset, as Asset → Upload or Asset → Get Many outputs it',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['asset'], operation: ['get'] } },
	properties,
);

export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const assetId = String(this.getNodeParameter('assetId', itemIndex, '') ?? '').trim();
	if (assetId === '' || /\s/.test(assetId)) {
		throw new NodeOperationError(this.getNode(), 'Asset ID is not an asset ID', {
			itemIndex,
			description: `Give the asset_id of an asset (it is set to "${assetId.slice(0, 60)}").`,
		});
	}
	const { body } = await client.request<Asset>({
		method: 'GET',
		path: `/assets/${encodeURIComponent(assetId)}`,
		retry: 'safe',
		itemIndex,
	});
	return [{ json: { ...body }, pairedItem: { item: itemIndex } }];
}
