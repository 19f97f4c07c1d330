import type { IDataObject, IWebhookFunctions } from 'n8n-workflow';

import type { RunOutput, TechniqueRunPage } from '../FloraTechnique/helpers/interfaces';
import { describeOutput } from '../FloraTechnique/helpers/outputs';
import { FloraClient } from '../FloraTechnique/transport';
import type { FloraWebhookEvent } from './event';

/** FLORA gives up on a callback after 10 s: keep each read well inside that, and never retry. */
const READ_TIMEOUT_MS = 4_000;
/** Pages of run history searched for the run (newest first, 100 a page). */
const MAX_HISTORY_PAGES = 3;

/**
 * Reads the run a webhook event is about, through the credential (the API key goes to the
 * credential's base URL and nowhere else: no URL from the request or the answer is
 * followed, nor any redirect).
 *
 * The event names the run but not its technique, and FLORA reads a run only under its
 * technique (`GET /techniques/{techniqueId}/runs/{runId}`). The run history
 * (`GET /technique-runs`, newest first, filtered by the event's workspace and status) names
 * each run's technique: the run is found there, then read.
 */
export async function readEventRun(
	context: IWebhookFunctions,
	event: FloraWebhookEvent,
): Promise<{ run: IDataObject } | { error: string }> {
	const { data } = event;
	if (data.run_type !== undefined && data.run_type !== 'technique') {
		return { error: `Runs of type "${data.run_type}" cannot be read by this node` };
	}
	try {
		const client = await FloraClient.create(context);
		const entry = await findInHistory(client, event);
		if (!entry?.technique?.technique_id) {
			return { error: `Run ${data.run_id} was not found in the workspace’s recent run history` };
		}
		const { technique_id: techniqueId, name } = entry.technique;
		const run = await get(
			client,
			`/techniques/${encodeURIComponent(techniqueId)}/runs/${encodeURIComponent(data.run_id)}`,
		);
		if (typeof run !== 'object' || run === null) {
			return { error: 'FLORA answered the run read with no run' };
		}
		return { run: describeRun(run as IDataObject, techniqueId, name) };
	} catch (error) {
		// Only the message: FLORA's error mapped by the transport, never the request.
		return { error: `The run could not be read: ${(error as Error).message}` };
	}
}

async function findInHistory(
	client: FloraClient,
	event: FloraWebhookEvent,
): Promise<TechniqueRunPage['technique_runs'][number] | undefined> {
	const { run_id: runId, workspace_id: workspaceId, status } = event.data;
	let cursor: string | undefined;
	for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
		const qs: IDataObject = { limit: 100 };
		if (workspaceId) qs.workspace_id = workspaceId;
		if (status === 'completed' || status === 'failed') qs.status = status;
		if (cursor) qs.cursor = cursor;
		const body = (await get(client, '/technique-runs', qs)) as Partial<TechniqueRunPage>;
		const entry = body?.technique_runs?.find(
			(candidate) => candidate.run_id === runId || candidate.technique_run_id === runId,
		);
		if (entry) return entry;
		cursor = body?.meta?.next_cursor ?? undefined;
		if (!cursor) return undefined;
	}
	return undefined;
}

async function get(client: FloraClient, path: string, qs?: IDataObject): Promise<unknown> {
	const response = await client.request({
		method: 'GET',
		path,
		qs,
		retry: 'never',
		timeoutMs: READ_TIMEOUT_MS,
	});
	return response.body;
}

/** The run as FLORA reports it, with its technique, and the text of text outputs under `text`. */
function describeRun(run: IDataObject, techniqueId: string, techniqueName?: string): IDataObject {
	const outputs = Array.isArray(run.outputs)
		? (run.outputs as RunOutput[]).map(describeOutput)
		: [];
	return {
		...run,
		technique_id: techniqueId,
		...(techniqueName !== undefined ? { technique_name: techniqueName } : {}),
		outputs,
	};
}
