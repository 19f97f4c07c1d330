import type { IDataObject, IHttpRequestOptions, IWebhookFunctions } from 'n8n-workflow';

import type { FloraWebhookEvent } from './event';

const DEFAULT_BASE_URL = 'https://app.flora.ai/api/v1';
/** FLORA gives up on a callback after 10 s: keep each read well inside that. */
const READ_TIMEOUT_MS = 4_000;
/** Pages of run history searched for the run (newest first, 100 a page). */
const MAX_HISTORY_PAGES = 3;

interface Answer {
	statusCode: number;
	body: unknown;
}

interface TechniqueRunEntry extends IDataObject {
	run_id?: string;
	technique_run_id?: string;
	technique?: { technique_id: string; name?: string };
}

class ReadError extends Error {}

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
		const credentials = await context.getCredentials('floraApi');
		const baseUrl = String(credentials.baseUrl || DEFAULT_BASE_URL)
			.trim()
			.replace(/\/+$/, '');
		const entry = await findInHistory(context, baseUrl, event);
		if (!entry?.technique?.technique_id) {
			return { error: `Run ${data.run_id} was not found in the workspace’s recent run history` };
		}
		const { technique_id: techniqueId, name } = entry.technique;
		const run = await get(
			context,
			`${baseUrl}/techniques/${encodeURIComponent(techniqueId)}/runs/${encodeURIComponent(data.run_id)}`,
		);
		if (typeof run !== 'object' || run === null) {
			return { error: 'FLORA answered the run read with no run' };
		}
		return { run: describeRun(run as IDataObject, techniqueId, name) };
	} catch (error) {
		if (error instanceof ReadError) return { error: error.message };
		// Only the message: an HTTP error object can carry the request and its headers.
		return { error: `The run could not be read: ${(error as Error).message}` };
	}
}

async function findInHistory(
	context: IWebhookFunctions,
	baseUrl: string,
	event: FloraWebhookEvent,
): Promise<TechniqueRunEntry | undefined> {
	const { run_id: runId, workspace_id: workspaceId, status } = event.data;
	let cursor: string | undefined;
	for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
		const qs: IDataObject = { limit: 100 };
		if (workspaceId) qs.workspace_id = workspaceId;
		if (status === 'completed' || status === 'failed') qs.status = status;
		if (cursor) qs.cursor = cursor;
		const body = (await get(context, `${baseUrl}/technique-runs`, qs)) as {
			technique_runs?: TechniqueRunEntry[];
			meta?: { next_cursor?: string | null };
		};
		const entry = body?.technique_runs?.find(
			(candidate) => candidate.run_id === runId || candidate.technique_run_id === runId,
		);
		if (entry) return entry;
		cursor = body?.meta?.next_cursor ?? undefined;
		if (!cursor) return undefined;
	}
	return undefined;
}

async function get(context: IWebhookFunctions, url: string, qs?: IDataObject): Promise<unknown> {
	const options: IHttpRequestOptions = {
		method: 'GET',
		url,
		qs,
		headers: { Accept: 'application/json' },
		json: true,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		sendCredentialsOnCrossOriginRedirect: false,
		timeout: READ_TIMEOUT_MS,
	};
	const answer = (await context.helpers.httpRequestWithAuthentication.call(
		context,
		'floraApi',
		options,
	)) as Answer;
	if (answer.statusCode >= 200 && answer.statusCode < 300) return answer.body;
	const failure = (answer.body as { error?: { code?: string; message?: string } })?.error;
	const detail = failure?.message ? `${failure.code ?? 'error'}: ${failure.message}` : '';
	throw new ReadError(
		`FLORA answered ${answer.statusCode} when the run was read${detail ? ` (${detail})` : ''}`,
	);
}

/** The run as FLORA reports it, with its technique, and the text of text outputs under `text`. */
function describeRun(run: IDataObject, techniqueId: string, techniqueName?: string): IDataObject {
	const outputs = Array.isArray(run.outputs)
		? (run.outputs as IDataObject[]).map((output) => ({
				...output,
				...(output.type === 'text' ? { text: output.url } : {}),
			}))
		: [];
	return {
		...run,
		technique_id: techniqueId,
		...(techniqueName !== undefined ? { technique_name: techniqueName } : {}),
		outputs,
	};
}
