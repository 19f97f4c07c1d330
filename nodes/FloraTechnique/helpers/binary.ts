import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ByteStream, FloraClient } from '../../shared/flora/client';
import { PartlyDone } from '../../shared/items';
import { sleepUnlessCancelled } from '../../shared/flora/sleep';
import type { RunInputType, RunOutput } from '../../shared/flora/types';
import type { OutputLayout } from './outputs';
import { pollUntil } from './wait';

/** An image or video input given as `binary:<property>` instead of a URL. */
export const BINARY_PREFIX = 'binary:';

export const ACCEPTED_MIME_TYPES: Record<'imageUrl' | 'videoUrl', string[]> = {
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
};

const MULTIPART_LIMIT_BYTES = 4 * 1024 * 1024;
const ASSET_READY_TIMEOUT_MS = 10 * 60 * 1000;

export function binaryPropertyOf(value: string): string | undefined {
	return value.startsWith(BINARY_PREFIX) ? value.slice(BINARY_PREFIX.length).trim() : undefined;
}

/**
 * Checks a `binary:<property>` input before any request: the property exists on the item and
 * holds a file FLORA accepts for the slot (or for any media slot, while the slot's type is not
 * known yet).
 */
export function checkBinaryInput(
	context: IExecuteFunctions,
	itemIndex: number,
	slotId: string,
	property: string,
	slotType: RunInputType | undefined,
): IBinaryData {
	const node = context.getNode();
	if (slotType === 'text') {
		throw new NodeOperationError(node, `Input "${slotId}" is text and cannot take a binary file`, {
			itemIndex,
			description: 'Only image and video inputs take a file of the item (binary:data).',
		});
	}
	const binary = context.getInputData()[itemIndex]?.binary?.[property];
	if (!binary) {
		const available = Object.keys(context.getInputData()[itemIndex]?.binary ?? {});
		throw new NodeOperationError(
			node,
			`Input "${slotId}" names the binary property "${property}", which this item does not have`,
			{
				itemIndex,
				description: available.length
					? `The item has these binary properties: ${available.join(', ')}.`
					: 'The item has no binary data. Add a node before this one that reads or downloads the file.',
			},
		);
	}
	const accepted = slotType
		? ACCEPTED_MIME_TYPES[slotType]
		: [...ACCEPTED_MIME_TYPES.imageUrl, ...ACCEPTED_MIME_TYPES.videoUrl];
	const mimeType = (binary.mimeType ?? '').split(';')[0].trim().toLowerCase();
	if (!accepted.includes(mimeType)) {
		throw new NodeOperationError(
			node,
			`Input "${slotId}" gets a file of type "${mimeType || 'unknown'}", which FLORA does not accept here`,
			{
				itemIndex,
				description: `Accepted types: ${accepted.join(', ')}. Convert the file first, or check the binary property.`,
			},
		);
	}
	return binary;
}

interface AssetAnswer {
	asset_id: string;
	status: 'pending_upload' | 'ready' | 'failed';
	url?: string | null;
	upload_url?: string;
	upload?: { url: string; method: string; form_fields: Record<string, string>; file_field: string };
	failure_message?: string | null;
}

/**
 * Uploads an item's binary file as a FLORA asset in the workspace and returns the asset's
 * URL once FLORA reports it ready. Files up to 4 MB go as one multipart request; larger ones
 * through a signed upload, streamed from n8n's binary store so the whole file is never held in
 * memory.
 */
export async function uploadBinary(
	context: IExecuteFunctions,
	client: FloraClient,
	binary: IBinaryData,
	workspaceId: string,
	itemIndex: number,
): Promise<string> {
	const fileName = binary.fileName ?? `upload.${binary.fileExtension ?? 'bin'}`;
	const contentType = binary.mimeType;
	const size = await binarySize(context, binary);
	let asset: AssetAnswer;
	if (size <= MULTIPART_LIMIT_BYTES) {
		const bytes = await context.helpers.getBinaryDataBuffer(itemIndex, binary);
		const form = multipart(
			{ workspace_id: workspaceId, file_name: fileName, content_type: contentType },
			'file',
			fileName,
			contentType,
			bytes,
		);
		asset = (
			await client.request<AssetAnswer>({
				method: 'POST',
				path: '/assets',
				body: form.body,
				headers: { 'Content-Type': form.contentType },
				retry: 'safe',
				itemIndex,
			})
		).body;
	} else {
		asset = (
			await client.request<AssetAnswer>({
				method: 'POST',
				path: '/assets',
				body: {
					source: 'signed-url',
					workspace_id: workspaceId,
					file_name: fileName,
					content_type: contentType,
				},
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
		asset = (
			await client.request<AssetAnswer>({
				method: 'POST',
				path: `/assets/${encodeURIComponent(asset.asset_id)}/complete`,
				retry: 'safe',
				itemIndex,
			})
		).body;
	}
	const startedAt = Date.now();
	const { value: ready } = await pollUntil(
		client,
		asset,
		async (current) =>
			(
				await client.request<AssetAnswer>({
					method: 'GET',
					path: `/assets/${encodeURIComponent(current.asset_id)}`,
					retry: 'safe',
					itemIndex,
				})
			).body,
		(current) => current.status !== 'pending_upload',
		{ startedAt, deadline: startedAt + ASSET_READY_TIMEOUT_MS },
		itemIndex,
	);
	if (ready.status !== 'ready' || !ready.url) {
		throw new NodeOperationError(client.node, `FLORA could not take the file "${fileName}"`, {
			itemIndex,
			description:
				ready.failure_message ??
				`The upload ended as "${ready.status}". Check the file and try again.`,
		});
	}
	return ready.url;
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

const EXTENSIONS: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'image/avif': 'avif',
	'video/mp4': 'mp4',
	'video/webm': 'webm',
	'video/quicktime': 'mov',
	'audio/mpeg': 'mp3',
	'audio/wav': 'wav',
	'audio/ogg': 'ogg',
	'application/pdf': 'pdf',
};

/** What downloading needs of a node context: n8n's binary store. Execute and webhook contexts both have it. */
export interface BinaryStoreContext {
	helpers: Pick<IExecuteFunctions['helpers'], 'prepareBinaryData'>;
}

/** How long a completed run's files are tried again through faults of the media host. */
const DOWNLOAD_PATIENCE_MS = 60_000;
const DOWNLOAD_ATTEMPTS = 8;

/**
 * Fetches an output file from FLORA's media host (without the API key) and streams it into
 * n8n's binary store. A failed or cut transfer is tried again for a while; then the error
 * names the run and the output.
 */
export async function downloadOutput(
	context: BinaryStoreContext,
	client: FloraClient,
	runId: string,
	output: RunOutput,
	itemIndex: number,
): Promise<IBinaryData> {
	const until = Date.now() + DOWNLOAD_PATIENCE_MS;
	for (let attempt = 1; ; attempt++) {
		try {
			const response = await client.request<ByteStream>({
				method: 'GET',
				url: output.url,
				headers: { Accept: '*/*' },
				authenticate: false,
				stream: true,
				retry: 'safe',
				retryUntil: until,
				itemIndex,
			});
			const mimeType = String(response.headers['content-type'] ?? 'application/octet-stream')
				.split(';')[0]
				.trim();
			const extension = EXTENSIONS[mimeType] ?? extensionFromUrl(output.url);
			const fileName = extension ? `${output.output_id}.${extension}` : output.output_id;
			return await context.helpers.prepareBinaryData(
				response.body as unknown as Parameters<
					IExecuteFunctions['helpers']['prepareBinaryData']
				>[0],
				fileName,
				mimeType,
			);
		} catch (error) {
			// The transport has retried its own failures; a transfer cut midway is retried here.
			const cutTransfer = !(error instanceof NodeApiError) && !client.cancelled;
			if (cutTransfer && attempt < DOWNLOAD_ATTEMPTS && Date.now() < until) {
				await sleepUnlessCancelled(Math.min(8_000, 250 * 2 ** attempt), client.signal);
				continue;
			}
			const failure = new NodeOperationError(
				client.node,
				`Could not download output ${output.output_id} of the FLORA run ${runId} from ${output.url}`,
				{
					itemIndex,
					description: `${(error as Error).message}. The run completed and was charged; the file stays at its URL for a while. Collect the run again with Run → Get or Run → Wait and "Download Outputs" on, or fetch the URL with an HTTP Request node.`,
				},
			);
			failure.context.runId = runId;
			failure.context.outputId = output.output_id;
			throw failure;
		}
	}
}

function extensionFromUrl(url: string): string | undefined {
	try {
		return new URL(url).pathname.split('.').pop()?.toLowerCase().slice(0, 5) || undefined;
	} catch {
		return undefined;
	}
}

/**
 * Attaches each media output of a completed run's items as binary data: under the property
 * name in the per-output layout, and as `<name>_<output position>` in the per-run layout.
 * When a file cannot be downloaded, the outputs that did download are kept (PartlyDone).
 */
export async function attachOutputFiles(
	context: BinaryStoreContext,
	client: FloraClient,
	runId: string,
	items: INodeExecutionData[],
	outputs: RunOutput[],
	layout: OutputLayout,
	propertyName: string,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	const failures: NodeOperationError[] = [];
	const download = async (output: RunOutput) => {
		try {
			return await downloadOutput(context, client, runId, output, itemIndex);
		} catch (error) {
			failures.push(error as NodeOperationError);
			return undefined;
		}
	};
	let kept = items;
	if (layout === 'perRun') {
		const [item] = items;
		item.binary = {};
		for (const [position, output] of outputs.entries()) {
			if (output.type === 'text') continue;
			const file = await download(output);
			if (file) item.binary[`${propertyName}_${position}`] = file;
		}
	} else {
		kept = [];
		for (const item of items) {
			const output = outputs.find((candidate) => candidate.output_id === item.json.output_id);
			if (output && output.type !== 'text') {
				const file = await download(output);
				if (!file) continue;
				item.binary = { [propertyName]: file };
			}
			kept.push(item);
		}
	}
	if (failures.length > 0) throw new PartlyDone(client.node, kept, failures);
	return kept;
}
