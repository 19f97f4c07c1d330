import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { ByteStream, FloraClient } from '../shared/flora/client';
import type { Asset } from '../shared/flora/types';
import { pollUntil } from '../shared/runs/poll';

/** An image or video input given as `binary:<property>` instead of a URL. */
export const BINARY_PREFIX = 'binary:';

/** The kinds of file FLORA takes, by the input type that takes them. */
export type MediaInputType = 'imageUrl' | 'videoUrl' | 'audioUrl' | 'documentUrl';

export const ACCEPTED_MIME_TYPES: Record<MediaInputType, string[]> = {
	imageUrl: [
		'image/jpeg',
		'image/png',
		'image/webp',
		'image/gif',
		'image/avif',
		'image/heic',
		'image/heif',
	],
	videoUrl: ['video/mp4', 'video/webm', 'video/quicktime'],
	audioUrl: ['audio/mpeg', 'audio/wav', 'audio/x-wav', 'audio/wave', 'audio/ogg'],
	documentUrl: ['application/pdf'],
};

const MULTIPART_LIMIT_BYTES = 4 * 1024 * 1024;
const ASSET_READY_TIMEOUT_MS = 10 * 60 * 1000;

export function binaryPropertyOf(value: string): string | undefined {
	return value.startsWith(BINARY_PREFIX) ? value.slice(BINARY_PREFIX.length).trim() : undefined;
}

/**
 * Checks a `binary:<property>` input before any request: the property exists on the item and
 * holds a file FLORA accepts for the slot (or for any media slot, while the slot's type is not
 * known yet: `slotTypes` lists those the file may be for).
 */
export function checkBinaryInput(
	context: IExecuteFunctions,
	itemIndex: number,
	label: string,
	property: string,
	slotType: MediaInputType | 'text' | undefined,
	slotTypes: readonly MediaInputType[] = ['imageUrl', 'videoUrl'],
): IBinaryData {
	const node = context.getNode();
	if (slotType === 'text') {
		throw new NodeOperationError(node, `The input ${label} is text and cannot take a file`, {
			itemIndex,
			description: 'Only image and video inputs take a file of the item (binary:data).',
		});
	}
	const binary = context.getInputData()[itemIndex]?.binary?.[property];
	if (!binary) {
		const available = Object.keys(context.getInputData()[itemIndex]?.binary ?? {});
		throw new NodeOperationError(
			node,
			`The input ${label} names the binary field "${property}", which this item does not have`,
			{
				itemIndex,
				description: available.length
					? `The item has these binary properties: ${available.join(', ')}.`
					: 'The item has no binary data. Add a node before this one that reads or downloads the file.',
			},
		);
	}
	const accepted = (slotType ? [slotType] : slotTypes).flatMap((type) => ACCEPTED_MIME_TYPES[type]);
	const mimeType = (binary.mimeType ?? '').split(';')[0].trim().toLowerCase();
	if (!accepted.includes(mimeType)) {
		throw new NodeOperationError(
			node,
			`The input ${label} gets a file of type "${mimeType || 'unknown'}", which FLORA does not accept here`,
			{
				itemIndex,
				description: `Accepted types: ${accepted.join(', ')}. Convert the file first, or check the binary property.`,
			},
		);
	}
	return binary;
}

interface AssetAnswer extends Partial<Asset> {
	asset_id: string;
	status: 'pending_upload' | 'ready' | 'failed';
	url?: string | null;
	upload_url?: string;
	upload?: { url: string; method: string; form_fields: Record<string, string>; file_field: string };
	failure_message?: string | null;
}

/** What an asset is made from: a file of the item, or a public URL FLORA fetches. */
export type AssetSource = { binary: IBinaryData } | { url: string; fileName?: string };

/** Where an asset goes: its workspace, and a project of it when given. */
export interface AssetTarget {
	workspaceId: string;
	projectId?: string;
}

/**
 * Uploads an item's binary file as a FLORA asset in the workspace and returns the asset's
 * URL once FLORA reports it ready (see uploadAsset).
 */
export async function uploadBinary(
	context: IExecuteFunctions,
	client: FloraClient,
	binary: IBinaryData,
	workspaceId: string,
	itemIndex: number,
): Promise<string> {
	const asset = await uploadAsset(context, client, { binary }, { workspaceId }, itemIndex);
	return asset.url as string;
}

/**
 * Makes a FLORA asset and waits until FLORA reports it ready (`full`: answers the asset as
 * GET /assets/{assetId} reads it, with its name and type, not only its URL). A file of the item up to 4 MB
 * goes as one multipart request; a larger one through a signed upload, streamed from n8n's
 * binary store so the whole file is never held in memory; a URL is fetched by FLORA.
 */
export async function uploadAsset(
	context: IExecuteFunctions,
	client: FloraClient,
	source: AssetSource,
	target: AssetTarget,
	itemIndex: number,
	full = false,
): Promise<AssetAnswer> {
	const where = {
		workspace_id: target.workspaceId,
		...(target.projectId ? { project_id: target.projectId } : {}),
	};
	let asset: AssetAnswer;
	let fileName: string;
	if ('url' in source) {
		fileName =
			source.fileName ?? decodeURIComponent(new URL(source.url).pathname.split('/').pop() ?? '');
		asset = (
			await client.request<AssetAnswer>({
				method: 'POST',
				path: '/assets',
				body: {
					source: source.url,
					...where,
					...(source.fileName ? { file_name: source.fileName } : {}),
				},
				// A second asset from a lost answer's retry costs nothing and holds the same file.
				retry: 'safe',
				itemIndex,
			})
		).body;
	} else {
		const { binary } = source;
		fileName = binary.fileName ?? `upload.${binary.fileExtension ?? 'bin'}`;
		asset = await sendFile(context, client, binary, fileName, where, itemIndex);
	}
	const read = async (current: AssetAnswer) =>
		(
			await client.request<AssetAnswer>({
				method: 'GET',
				path: `/assets/${encodeURIComponent(current.asset_id)}`,
				retry: 'safe',
				itemIndex,
			})
		).body;
	const startedAt = Date.now();
	let { value: ready } = await pollUntil(
		client,
		asset,
		read,
		(current) => current.status !== 'pending_upload',
		{ startedAt, deadline: startedAt + ASSET_READY_TIMEOUT_MS },
		itemIndex,
	);
	// A create's answer is short (no name, type or failure message): read the asset itself
	// when it is wanted whole, or when it failed, for FLORA's reason.
	if (ready === asset && (full || ready.status === 'failed')) ready = await read(asset);
	if (ready.status !== 'ready' || !ready.url) {
		const reason = ready.failure_message
			? `${ready.failure_message} (asset ${ready.asset_id})`
			: `The upload of the asset ${ready.asset_id} ended as "${ready.status}".`;
		throw new NodeOperationError(
			client.node,
			`FLORA could not take the file "${fileName || ready.asset_id}"`,
			{ itemIndex, description: `${reason} Check the file and try again.` },
		);
	}
	return ready;
}

async function sendFile(
	context: IExecuteFunctions,
	client: FloraClient,
	binary: IBinaryData,
	fileName: string,
	where: Record<string, string>,
	itemIndex: number,
): Promise<AssetAnswer> {
	const contentType = binary.mimeType;
	const size = await binarySize(context, binary);
	if (size <= MULTIPART_LIMIT_BYTES) {
		const bytes = await context.helpers.getBinaryDataBuffer(itemIndex, binary);
		const form = multipart(
			{ ...where, file_name: fileName, content_type: contentType },
			'file',
			fileName,
			contentType,
			bytes,
		);
		return (
			await client.request<AssetAnswer>({
				method: 'POST',
				path: '/assets',
				body: form.body,
				headers: { 'Content-Type': form.contentType },
				retry: 'safe',
				itemIndex,
			})
		).body;
	}
	const asset = (
		await client.request<AssetAnswer>({
			method: 'POST',
			path: '/assets',
			body: { source: 'signed-url', ...where, file_name: fileName, content_type: contentType },
			retry: 'never',
			itemIndex,
		})
	).body;
	await sendToUploadTarget(
		context,
		client,
		asset,
		binary,
		{ fileName, contentType, size },
		itemIndex,
	);
	return (
		await client.request<AssetAnswer>({
			method: 'POST',
			path: `/assets/${encodeURIComponent(asset.asset_id)}/complete`,
			retry: 'safe',
			itemIndex,
		})
	).body;
}

async function binarySize(context: IExecuteFunctions, binary: IBinaryData): Promise<number> {
	if (typeof binary.bytes === 'number') return binary.bytes;
	if (binary.id) return (await context.helpers.getBinaryMetadata(binary.id)).fileSize;
	return Buffer.byteLength(binary.data, 'base64');
}

async function binaryStream(
	context: IExecuteFunctions,
	binary: IBinaryData,
): Promise<ByteStream & { pipe: unknown }> {
	if (binary.id)
		return (await context.helpers.getBinaryStream(binary.id)) as unknown as ByteStream & {
			pipe: unknown;
		};
	throw new NodeOperationError(
		context.getNode(),
		'This binary file is held in memory and cannot be streamed',
	);
}

async function sendToUploadTarget(
	context: IExecuteFunctions,
	client: FloraClient,
	asset: AssetAnswer,
	binary: IBinaryData,
	file: { fileName: string; contentType: string; size: number },
	itemIndex: number,
) {
	if (asset.upload_url) {
		await client.request({
			method: 'PUT',
			url: asset.upload_url,
			body: binary.id
				? await binaryStream(context, binary)
				: await context.helpers.getBinaryDataBuffer(itemIndex, binary),
			headers: { 'Content-Type': file.contentType, 'Content-Length': file.size },
			authenticate: false,
			retry: 'never',
			itemIndex,
		});
		return;
	}
	if (!asset.upload) {
		throw new NodeOperationError(client.node, 'FLORA gave no upload target for a large file', {
			itemIndex,
		});
	}
	const bytes = await context.helpers.getBinaryDataBuffer(itemIndex, binary);
	const form = multipart(
		asset.upload.form_fields,
		asset.upload.file_field,
		file.fileName,
		file.contentType,
		bytes,
	);
	await client.request({
		method: 'POST',
		url: asset.upload.url,
		body: form.body,
		headers: { 'Content-Type': form.contentType },
		authenticate: false,
		retry: 'safe',
		itemIndex,
	});
}

function multipart(
	fields: Record<string, string>,
	fileField: string,
	fileName: string,
	contentType: string,
	bytes: Buffer,
): { body: Buffer; contentType: string } {
	const boundary = `----n8nFlora${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
	const parts: Buffer[] = [];
	for (const [name, value] of Object.entries(fields)) {
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
			),
		);
	}
	const safeName = fileName.replace(/["\r\n]/g, '_');
	parts.push(
		Buffer.from(
			`--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="${safeName}"\r\nContent-Type: ${contentType}\r\n\r\n`,
		),
		bytes,
		Buffer.from(`\r\n--${boundary}--\r\n`),
	);
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
