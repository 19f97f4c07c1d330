import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { FloraClient } from '../flora/client';
import type { Run } from '../flora/types';
import { mapItems } from '../items';
import { afterRunStarted } from './errors';
import { finishRun } from './finish';
import { readEndedRuns } from './history';
import type { FinishOptions } from './options';
import type { WaitingState } from './webhookWait';
import { WAITING_STATE, runGroupsOf } from './webhookWait';

/** The key resume items carry: the node runs again on them to collect its ended runs. */
export const RESUME_MARK = '__floraResume';

/**
 * The items a callback resumes the execution with: the waiting items in item order, marked
 * for the node to collect their runs when it runs again on them.
 */
export function resumeItems(state: WaitingState, marked: boolean): INodeExecutionData[] {
	return state.items.map((json, itemIndex) => ({
		json: marked ? { ...json, [RESUME_MARK]: state.waitId } : json,
		pairedItem: { item: itemIndex },
	}));
}

/** The waiting state, when the node runs again on the items a callback resumed it with. */
export function resumedWait(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
): WaitingState | undefined {
	const state = context.getContext('node')[WAITING_STATE] as WaitingState | undefined;
	if (!state || items.length === 0) return undefined;
	return items.every((item) => item.json[RESUME_MARK] === state.waitId) ? state : undefined;
}

/**
 * After every run of a webhook wait has ended: reads them from the run history (a few list
 * reads, not one per run) and turns each item into its results as polling would, with
 * downloads, Continue On Fail and the node's own error when a run failed. Starts no run.
 */
export async function collectWaitedRuns(
	context: IExecuteFunctions,
	client: FloraClient,
	state: WaitingState,
): Promise<INodeExecutionData[]> {
	const deadline = Date.now() + Math.max(state.timeoutMs, 60_000);
	const ended = new Map<string, Run>();
	const unread = new Map<string, Error>();
	for (const group of runGroupsOf(state)) {
		try {
			const found = await readEndedRuns(client, group, { retryUntil: deadline });
			for (const [runId, run] of found) ended.set(runId, run);
		} catch (error) {
			for (const runId of group.runIds) unread.set(runId, error as Error);
		}
	}
	const options: FinishOptions = {
		...state.output,
		timeoutMs: state.timeoutMs,
		onTimeout: 'error',
		pollIntervalMs: state.pollIntervalMs,
	};
	const output = await mapItems(
		context,
		state.items,
		async (json, itemIndex) => {
			const ref = state.runs[itemIndex];
			if (!ref) return [{ json: withoutMark(json), pairedItem: { item: itemIndex } }];
			const { runId, kind } = ref;
			const failure = unread.get(runId);
			if (failure) throw afterRunStarted(client.node, failure, runId, kind, itemIndex);
			const run = ended.get(runId) ?? (withoutMark(json) as Run);
			try {
				// A run that has not ended after all (never, unless FLORA's history lags) is waited for.
				return await finishRun(
					context,
					client,
					kind,
					{ run, startedAt: Date.now() },
					options,
					itemIndex,
				);
			} catch (error) {
				throw afterRunStarted(client.node, error, runId, kind, itemIndex);
			}
		},
		state.concurrency,
		client.pace,
	);
	delete context.getContext('node')[WAITING_STATE];
	return output;
}

function withoutMark(json: IDataObject): IDataObject {
	const copy = { ...json };
	delete copy[RESUME_MARK];
	return copy;
}
