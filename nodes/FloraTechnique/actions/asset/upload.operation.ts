import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import type { FloraClient } from '../../../shared/flora/client';
import type { AssetSource } from '../../uploads';
import { ACCEPTED_MIME_TYPES, checkBinaryInput, uploadAsset } from '../../uploads';
import { readPrefixedId } from '../parameters';
import { readWorkspaceId, workspaceLocator } from '../workspaceProject';

const properties: INodeProperties[] = [
	workspaceLocator,
	{
		displayName: 'Source',
		name: 'source',
		type: 'options',
		default: 'binary',
		noDataExpression: true,
		options: [
			{
				name: 'File of the Item (Binary)',
				value: 'binary',
				description: 'Upload a file an earlier node read or downloaded',
			},
			{
				name: 'Public URL',
				value: 'url',
				description: 'FLORA fetches the file from an https address',
			},
		],
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the binary field of the item that holds the file',
		displayOptions: { show: { source: ['binary'] } },
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/photo.png',
		description: 'A public https address of the image, video, audio or PDF file',
		displayOptions: { show: { source: ['url'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				description: "The asset's name in FLORA; by default the file's own name",
			},
			{
				displayName: 'Project ID',
				name: 'projectId',
				type: 'string',
				default: '',
				placeholder: 'prj_…',
				description: 'A project of the workspace to keep the asset with',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['asset'], operation: ['upload'] } },
	properties,
);

const ALL_MEDIA = Object.keys(ACCEPTED_MIME_TYPES) as Array<keyof typeof ACCEPTED_MIME_TYPES>;

function readSource(context: IExecuteFunctions, itemIndex: number, fileName: string): AssetSource {
	if (context.getNodeParameter('source', itemIndex, 'binary') === 'binary') {
		const property = String(
			context.getNodeParameter('binaryPropertyName', itemIndex, 'data'),
		).trim();
		const binary = checkBinaryInput(
			context,
			itemIndex,
			'"Input Binary Field"',
			property,
			undefined,
			ALL_MEDIA,
		);
		return { binary: fileName ? { ...binary, fileName } : binary };
	}
	const url = String(context.getNodeParameter('url', itemIndex, '') ?? '').trim();
	if (!/^https:\/\/\S+$/i.test(url)) {
		throw new NodeOperationError(context.getNode(), 'URL is not a public https address', {
			itemIndex,
			description: `FLORA fetches the file itself, from https only; it is set to "${url.slice(0, 80)}". To upload a file n8n has, choose the source "File of the Item".`,
		});
	}
	return { url, ...(fileName ? { fileName } : {}) };
}

/**
 * A file of the item or a public URL as a FLORA asset (the same upload as binary run inputs),
 * output once FLORA reports it ready, with its URL for later runs.
 */
export async function executeItem(
	this: IExecuteFunctions,
	client: FloraClient,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const workspaceId = readWorkspaceId(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as {
		fileName?: string;
		projectId?: string;
	};
	const source = readSource(this, itemIndex, String(options.fileName ?? '').trim());
	const projectId = options.projectId
		? readPrefixedId(this, options.projectId, 'prj', 'Project ID', itemIndex)
		: undefined;
	const asset = await uploadAsset(
		this,
		client,
		source,
		{ workspaceId, projectId },
		itemIndex,
		true,
	);
	return [{ json: { ...asset }, pairedItem: { item: itemIndex } }];
}
