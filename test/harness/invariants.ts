/*
 * The promises the node makes about paid runs, as checks over one execution's outcome: the
 * items it output, the runs FLORA created, and what the webhook calls did. Each check returns
 * the violations it found (empty when the promise held), so a test can assert them and a
 * doctored outcome can prove that each check really fails.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { RunRecord } from '../../simulator';

export interface ExecutionOutcome {
	/** The prompt each input item carried (every item's prompt is its own). */
	prompts: string[];
	/** Every item the FLORA node output (success and error outputs). */
	items: INodeExecutionData[];
	/** Every run FLORA created during the execution. */
	runs: RunRecord[];
	/** Everything that could leak a secret: items, errors, logs, answers. */
	texts: string[];
	/** Webhook wait only: how many callbacks asked n8n to resume the execution. */
	resumesAsked?: number;
}

export type Invariant = (outcome: ExecutionOutcome, secret: string) => string[];

const errorOf = (item: INodeExecutionData) => item.json.error as IDataObject | undefined;
const itemIndexOf = (item: INodeExecutionData): number => {
	const paired = Array.isArray(item.pairedItem) ? item.pairedItem[0] : item.pairedItem;
	return typeof paired === 'number' ? paired : (paired?.item ?? -1);
};
/** The run an item names: its result, or the run its error is about. */
const runOf = (item: INodeExecutionData) =>
	(item.json.run_id ?? errorOf(item)?.run_id) as string | undefined;
const candidatesOf = (item: INodeExecutionData) =>
	(errorOf(item)?.candidate_run_ids as string[] | undefined) ?? [];
const promptOf = (run: RunRecord) => run.inputs[0]?.value;

/** No item carries another item's run. */
export const noItemCarriesAnotherItemsRun: Invariant = ({ prompts, items, runs }) => {
	const byId = new Map(runs.map((run) => [run.run_id, run]));
	return items.flatMap((item) => {
		const runId = runOf(item);
		if (runId === undefined) return [];
		const run = byId.get(runId);
		const own = prompts[itemIndexOf(item)];
		if (!run) return [`item ${itemIndexOf(item)} names ${runId}, which FLORA never created`];
		return promptOf(run) === own
			? []
			: [`item ${itemIndexOf(item)} ("${own}") carries ${runId}, started for "${promptOf(run)}"`];
	});
};

/**
 * No orphan: every run FLORA created appears on exactly one input item, as its result or the
 * run its error names, or, where the node could not tell runs apart, among the candidates an
 * error names (and then on no item as its result).
 */
export const noOrphanRun: Invariant = ({ items, runs }) =>
	runs.flatMap((run) => {
		const holders = new Set(
			items.filter((item) => runOf(item) === run.run_id).map((item) => itemIndexOf(item)),
		);
		const named = items.some((item) => candidatesOf(item).includes(run.run_id));
		if (holders.size === 1) return [];
		if (holders.size === 0 && named) return [];
		return holders.size === 0
			? [`${run.run_id} ("${promptOf(run)}") appears on no item`]
			: [`${run.run_id} appears on ${holders.size} items: ${[...holders].join(', ')}`];
	});

/** No run was started twice for one item. */
export const noRunStartedTwice: Invariant = ({ prompts, runs }) =>
	prompts.flatMap((prompt, index) => {
		const started = runs.filter((run) => promptOf(run) === prompt).length;
		return started > 1 ? [`item ${index} ("${prompt}") has ${started} runs`] : [];
	});

/** Every error item of an item whose run started names that run (or the candidates it may be). */
export const everyErrorAfterAStartNamesItsRun: Invariant = ({ prompts, items, runs }) =>
	items.flatMap((item) => {
		const error = errorOf(item);
		if (!error) return [];
		const index = itemIndexOf(item);
		const started = runs.find((run) => promptOf(run) === prompts[index]);
		if (!started) return [];
		if (error.run_id === started.run_id || candidatesOf(item).includes(started.run_id)) return [];
		return [
			`item ${index}'s error "${String(error.message)}" does not name its run ${started.run_id}`,
		];
	});

/** Every input item comes out: as results, or as an error item. */
export const everyItemComesOut: Invariant = ({ prompts, items }) => {
	const out = new Set(items.map(itemIndexOf));
	return prompts.flatMap((prompt, index) =>
		out.has(index) ? [] : [`item ${index} ("${prompt}") did not come out`],
	);
};

/** The API key appears in no item, error, log or answer. */
export const keyNeverLeaked: Invariant = ({ texts }, secret) =>
	texts.flatMap((text, index) =>
		text.includes(secret) ? [`text ${index} contains the API key`] : [],
	);

/** A webhook wait asks n8n to resume the execution at most once. */
export const resumedAtMostOnce: Invariant = ({ resumesAsked }) =>
	resumesAsked !== undefined && resumesAsked > 1
		? [`the execution was asked to resume ${resumesAsked} times`]
		: [];

export const INVARIANTS: Record<string, Invariant> = {
	noItemCarriesAnotherItemsRun,
	noOrphanRun,
	noRunStartedTwice,
	everyErrorAfterAStartNamesItsRun,
	everyItemComesOut,
	keyNeverLeaked,
	resumedAtMostOnce,
};

/** Every violation of every invariant, each prefixed with the invariant's name. */
export function violations(outcome: ExecutionOutcome, secret: string): string[] {
	return Object.entries(INVARIANTS).flatMap(([name, check]) =>
		check(outcome, secret).map((violation) => `${name}: ${violation}`),
	);
}
