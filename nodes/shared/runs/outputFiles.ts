import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { ByteStream, FloraClient } from '../flora/client';
import type { RunOutput } from '../flora/types';
import { sleepUnlessCancelled } from '../flora/sleep';
import { PartlyDone } from '../items';
import type { OutputLayout } from './outputs';

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
