import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Run, RunOutput } from '../../shared/flora/types';

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

function runFields(run: Run, techniqueId: string): IDataObject {
	return {
		run_id: run.run_id,
		technique_id: techniqueId,
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
	techniqueId: string,
	layout: OutputLayout,
	itemIndex: number,
): INodeExecutionData[] {
	const outputs = run.outputs ?? [];
	const pairedItem = { item: itemIndex };
	if (layout === 'perRun' || outputs.length === 0) {
		return [
			{
				json: { ...runFields(run, techniqueId), outputs: outputs.map(describeOutput) },
				pairedItem,
			},
		];
	}
	return outputs.map((output) => ({
		json: { ...runFields(run, techniqueId), ...describeOutput(output) },
		pairedItem,
	}));
}

/** A run that is still going (not waited for, or past the timeout), as FLORA last described it. */
export function pendingRunItem(
	run: Run,
	techniqueId: string,
	itemIndex: number,
	timedOut = false,
): INodeExecutionData {
	return {
		json: { ...run, technique_id: techniqueId, ...(timedOut ? { timed_out: true } : {}) },
		pairedItem: { item: itemIndex },
	};
}
