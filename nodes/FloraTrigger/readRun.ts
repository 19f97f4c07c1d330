import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { RunOutput } from '../shared/flora/types';
import { describeOutput } from '../shared/runs/outputs';
import { FloraClient } from '../shared/flora/client';
import type { FloraWebhookEvent } from '../shared/flora/webhookEvent';

/** FLORA gives up on a callback after 10 s: keep the read well inside that, and never retry. */
const READ_TIMEOUT_MS = 4_000;

/** The technique a run's poll_url names (`…/techniques/{techniqueId}/runs/{runId}`), if it does. */
function techniqueOf(run: IDataObject): string | undefined {
	const match =
		typeof run.poll_url === 'string' ? /\/techniques\/([^/?#]+)\/runs\//.exec(run.poll_url) : null;
	return match ? decodeURIComponent(match[1]) : undefined;
}

/**
 * Reads the run a webhook event is about with FLORA's run-by-id route, through the credential
 * (the API key goes to the credential's base URL and nowhere else: no URL from the request or
 * the answer is followed, nor any redirect).
 */
export async function readEventRun(
	context: IWebhookFunctions,
	event: FloraWebhookEvent,
): Promise<{ run: IDataObject } | { error: string }> {
	const { run_id: runId } = event.data;
	try {
		const client = await FloraClient.create(context);
		const { body: run } = await client.request<IDataObject>({
			method: 'GET',
			path: `/runs/${encodeURIComponent(runId)}`,
			retry: 'never',
			timeoutMs: READ_TIMEOUT_MS,
		});
		if (typeof run !== 'object' || run === null) {
			return { error: 'FLORA answered the run read with no run' };
		}
		return { run: describeRun(run) };
	} catch (error) {
		// Only the message: FLORA's error mapped by the transport, never the request.
		return { error: `The run could not be read: ${(error as Error).message}` };
	}
}

/** The run as FLORA reports it, with the text of text outputs under `text`. */
function describeRun(run: IDataObject): IDataObject {
	const outputs = Array.isArray(run.outputs)
		? (run.outputs as RunOutput[]).map((output) => describeOutput(output))
		: [];
	const techniqueId = techniqueOf(run);
	return { ...run, ...(techniqueId ? { technique_id: techniqueId } : {}), outputs };
}
