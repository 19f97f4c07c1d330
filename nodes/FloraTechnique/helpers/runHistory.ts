import type { IDataObject } from 'n8n-workflow';

import type { FloraClient, FloraRequest } from '../../shared/flora/client';
import type { Run, RunStatus, TechniqueRun, TechniqueRunPage } from '../../shared/flora/types';

const PAGE_SIZE = 100;

/** Runs of one technique that this execution started. */
export interface TechniqueRuns {
	techniqueId: string;
	runIds: Set<string>;
	/** The oldest `created_at` among them (FLORA's clock): older history pages cannot hold them. */
	oldestCreatedAt: number;
}

/** How the reads of a caller may be retried (a webhook has seconds, a resumed execution minutes). */
export type ReadPatience = Pick<FloraRequest, 'retryUntil' | 'timeoutMs' | 'itemIndex'>;

/**
 * Reads the technique's run history with one status, newest first, page by page, handing each
 * of our runs to `found` until it answers true, every one of ours was seen, or the pages are
 * older than our oldest run.
 */
async function scanHistory(
	client: FloraClient,
	runs: TechniqueRuns,
	status: RunStatus,
	patience: ReadPatience,
	found: (run: TechniqueRun) => boolean | void,
): Promise<boolean> {
	let seen = 0;
	let cursor: string | null | undefined;
	do {
		const qs: IDataObject = { technique_id: runs.techniqueId, status, limit: PAGE_SIZE };
		if (cursor) qs.cursor = cursor;
		const { body } = await client.request<TechniqueRunPage>({
			method: 'GET',
			path: '/technique-runs',
			qs,
			retry: 'safe',
			...patience,
		});
		const page = body.technique_runs ?? [];
		for (const run of page) {
			if (!runs.runIds.has(run.run_id)) continue;
			if (found(run) === true) return true;
			if (++seen === runs.runIds.size) return false;
		}
		const oldest = page[page.length - 1];
		if (!oldest || oldest.created_at < runs.oldestCreatedAt) return false;
		cursor = body.meta?.next_cursor;
	} while (cursor);
	return false;
}

/**
 * Whether any of these runs is still pending or running, from the run history filtered by
 * status: a few list reads instead of one read per run. Runs only move forward (pending,
 * running, ended), so reading every pending page before every running page cannot miss one.
 */
export async function anyStillGoing(
	client: FloraClient,
	runs: TechniqueRuns,
	patience: ReadPatience,
): Promise<boolean> {
	if (runs.runIds.size === 0) return false;
	const going = () => true;
	// Most callbacks come while other runs are running: one read tells.
	if (await scanHistory(client, runs, 'running', patience, going)) return true;
	return (
		(await scanHistory(client, runs, 'pending', patience, going)) ||
		(await scanHistory(client, runs, 'running', patience, going))
	);
}

/**
 * The ended runs among these, with their outputs, from the completed and failed history;
 * a run the history does not show (pushed off by many newer runs) is read by its id.
 */
export async function readEndedRuns(
	client: FloraClient,
	runs: TechniqueRuns,
	patience: ReadPatience,
): Promise<Map<string, Run>> {
	const ended = new Map<string, Run>();
	for (const status of ['completed', 'failed'] as const) {
		if (ended.size === runs.runIds.size) break;
		await scanHistory(client, runs, status, patience, (run) => {
			ended.set(run.run_id, run);
			return ended.size === runs.runIds.size;
		});
	}
	for (const runId of runs.runIds) {
		if (ended.has(runId)) continue;
		const { body } = await client.request<Run>({
			method: 'GET',
			path: `/runs/${encodeURIComponent(runId)}`,
			retry: 'safe',
			...patience,
		});
		ended.set(runId, body);
	}
	return ended;
}
