import type { IDataObject } from 'n8n-workflow';

import type { FloraClient, FloraRequest } from '../flora/client';
import type { PageMeta, Run } from '../flora/types';
import { isTerminal } from '../flora/types';
import type { RunKind } from './kind';

const PAGE_SIZE = 100;

/** Runs of one kind (listed by one history) that this execution started. */
export interface RunGroup {
	kind: RunKind;
	runIds: Set<string>;
	/** The oldest `created_at` among them (FLORA's clock): older history pages cannot hold them. */
	oldestCreatedAt: number;
}

/** How the reads of a caller may be retried (a webhook has seconds, a resumed execution minutes). */
export type ReadPatience = Pick<FloraRequest, 'retryUntil' | 'timeoutMs' | 'itemIndex'>;

/**
 * Reads the kind's run history, newest first, page by page, handing each of our runs to
 * `visit` until it answers true, every one of ours was seen, or the pages are older than our
 * oldest run. Answers the runs of ours it saw.
 */
async function scanHistory(
	client: FloraClient,
	runs: RunGroup,
	patience: ReadPatience,
	visit: (run: Run) => boolean | void,
): Promise<Map<string, Run>> {
	const seen = new Map<string, Run>();
	const { history } = runs.kind;
	if (!history) return seen;
	let cursor: string | null | undefined;
	do {
		const { page, nextCursor } = await readHistoryPage(client, runs.kind, { cursor }, patience);
		for (const run of page) {
			if (!runs.runIds.has(run.run_id) || seen.has(run.run_id)) continue;
			seen.set(run.run_id, run);
			if (visit(run) === true || seen.size === runs.runIds.size) return seen;
		}
		const oldest = page[page.length - 1];
		if (!oldest || oldest.created_at < runs.oldestCreatedAt) return seen;
		cursor = nextCursor;
	} while (cursor);
	return seen;
}

/**
 * One page of a kind's run history, newest first (`PAGE_SIZE` runs unless `limit` says
 * otherwise), and the cursor of the next page. Reads are retried as `patience` allows.
 */
export async function readHistoryPage(
	client: FloraClient,
	kind: RunKind,
	page: { limit?: number; cursor?: string | null },
	patience: ReadPatience,
): Promise<{ page: Run[]; nextCursor?: string | null }> {
	const history = kind.history;
	if (!history) return { page: [] };
	const qs: IDataObject = { ...history.qs, limit: page.limit ?? PAGE_SIZE };
	if (page.cursor) qs.cursor = page.cursor;
	const { body } = await client.request<IDataObject & { meta?: PageMeta }>({
		method: 'GET',
		path: history.path,
		qs,
		retry: 'safe',
		...patience,
	});
	const runs = body[history.itemsKey];
	return { page: Array.isArray(runs) ? (runs as Run[]) : [], nextCursor: body.meta?.next_cursor };
}

/** Reads by its id each of these runs that the history did not show (pushed off by newer runs). */
async function readUnseen(
	client: FloraClient,
	runs: RunGroup,
	seen: Map<string, Run>,
	patience: ReadPatience,
) {
	for (const runId of runs.runIds) {
		if (seen.has(runId)) continue;
		const { body } = await client.request<Run>({
			method: 'GET',
			path: `/runs/${encodeURIComponent(runId)}`,
			retry: 'safe',
			...patience,
		});
		seen.set(runId, body);
	}
}

/**
 * Whether any of these runs is still pending or running, from the run history: its first page
 * (the newest runs, most likely still going) usually tells, instead of one read per run.
 */
export async function anyStillGoing(
	client: FloraClient,
	runs: RunGroup,
	patience: ReadPatience,
): Promise<boolean> {
	if (runs.runIds.size === 0) return false;
	const going = (run: Run) => !isTerminal(run.status);
	const seen = await scanHistory(client, runs, patience, going);
	if ([...seen.values()].some(going)) return true;
	await readUnseen(client, runs, seen, patience);
	return [...seen.values()].some(going);
}

/** These runs as the history shows them, with their outputs; any it does not show is read by id. */
export async function readEndedRuns(
	client: FloraClient,
	runs: RunGroup,
	patience: ReadPatience,
): Promise<Map<string, Run>> {
	const seen = await scanHistory(client, runs, patience, () => false);
	await readUnseen(client, runs, seen, patience);
	return seen;
}
