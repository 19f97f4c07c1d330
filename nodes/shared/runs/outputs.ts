import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Run, RunOutput } from '../flora/types';
import type { RunKind } from './kind';

export type OutputLayout = 'perOutput' | 'perRun';

/** An output as items show it: a text output also carries its value under `text`. */
export function describeOutput(output: RunOutput): IDataObject {
	return {
		output_id: output.output_id,
		type: output.type,
		url: output.url,
		...(output.type === 'text' ? { text: output.url } : {}),
	};
}

function runFields(run: Run, kind: RunKind): IDataObject {
	return {
		run_id: run.run_id,
		...kind.fields,
		status: run.status,
		charged_cost: run.charged_cost ?? null,
		created_at: run.created_at ?? null,
		completed_at: run.completed_at ?? null,
	};
}

/**
 * The items a completed run becomes: one per output in FLORA's order (`perOutput`), or one
 * for the whole run with an `outputs` array (`perRun`). A run without outputs still yields
 * one item so that nothing paid for disappears from the workflow.
 */
export function completedRunItems(
	run: Run,
	kind: RunKind,
	layout: OutputLayout,
	itemIndex: number,
): INodeExecutionData[] {
	const outputs = run.outputs ?? [];
	const pairedItem = { item: itemIndex };
	if (layout === 'perRun' || outputs.length === 0) {
		return [
			{
				json: { ...runFields(run, kind), outputs: outputs.map(describeOutput) },
				pairedItem,
			},
		];
	}
	return outputs.map((output) => ({
		json: { ...runFields(run, kind), ...describeOutput(output) },
		pairedItem,
	}));
}

/** A run that is still going (not waited for, or past the timeout), as FLORA last described it. */
export function pendingRunItem(
	run: Run,
	kind: RunKind,
	itemIndex: number,
	timedOut = false,
): INodeExecutionData {
	return {
		json: { ...run, ...kind.fields, ...(timedOut ? { timed_out: true } : {}) },
		pairedItem: { item: itemIndex },
	};
}
