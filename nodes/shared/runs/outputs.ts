import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { Run, RunOutput } from '../flora/types';
import type { OutputSlot, RunKind } from './kind';

export type OutputLayout = 'perOutput' | 'perRun';

/**
 * The slot an output fills. FLORA's outputs do not name their slot: they are matched by
 * position when the run has exactly one output per slot of the same types in the same order,
 * else by type when one slot alone has the output's type; otherwise the output stays unnamed.
 */
export function slotOf(
	output: RunOutput,
	position: number,
	outputs: RunOutput[],
	slots: OutputSlot[] | undefined,
): OutputSlot | undefined {
	if (!slots?.length) return undefined;
	const inOrder =
		outputs.length === slots.length &&
		outputs.every((each, index) => each.type === slots[index].type);
	if (inOrder) return slots[position];
	const sameType = slots.filter((slot) => slot.type === output.type);
	return sameType.length === 1 ? sameType[0] : undefined;
}

/**
 * An output as items show it: its name (the slot it fills) and type first, then its file's
 * URL, or for a text output the text itself under `text` (FLORA carries it in `url`).
 */
export function describeOutput(output: RunOutput, slot?: OutputSlot): IDataObject {
	return {
		...(slot ? { output_name: slot.name } : {}),
		type: output.type,
		...(output.type === 'text' ? { text: output.url } : { url: output.url }),
		output_id: output.output_id,
		...(slot ? { output_slot: slot.id } : {}),
	};
}

/** A FLORA timestamp (unix ms, or seconds) as an ISO string. */
function isoTime(timestamp: unknown): string | undefined {
	if (typeof timestamp !== 'number' || !Number.isFinite(timestamp)) return undefined;
	return new Date(timestamp < 1e12 ? timestamp * 1000 : timestamp).toISOString();
}

/** The run's own fields, the useful ones first, empty ones left out; times also as ISO strings. */
function runFields(run: Run, kind: RunKind): IDataObject {
	const fields: IDataObject = { run_id: run.run_id, status: run.status };
	if (run.charged_cost !== undefined && run.charged_cost !== null) {
		fields.charged_cost = run.charged_cost;
	}
	Object.assign(fields, kind.fields);
	for (const [key, value] of [
		['created_at', run.created_at],
		['completed_at', run.completed_at],
	] as const) {
		const iso = isoTime(value);
		if (iso === undefined) continue;
		fields[key] = value;
		fields[`${key}_iso`] = iso;
	}
	return fields;
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
	const described = outputs.map((output, position) =>
		describeOutput(output, slotOf(output, position, outputs, kind.outputs)),
	);
	if (layout === 'perRun' || outputs.length === 0) {
		return [{ json: { ...runFields(run, kind), outputs: described }, pairedItem }];
	}
	return described.map((output) => ({ json: { ...output, ...runFields(run, kind) }, pairedItem }));
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
