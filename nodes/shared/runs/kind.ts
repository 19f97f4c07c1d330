import type { IDataObject } from 'n8n-workflow';

/** An output slot of what a run is of (a technique's output slots), to name its outputs. */
export interface OutputSlot {
	id: string;
	name: string;
	type: string;
}

/**
 * What the run lifecycle knows of a kind of run (technique runs today; model generations and
 * actions share the same run shape and differ only in how they start). Plain data, so that a
 * waiting execution keeps it with its runs and its webhook can use it.
 */
export interface RunKind {
	/** Fields every item of such a run carries beside the run's own, e.g. `{ technique_id }`. */
	fields: IDataObject;
	/** Where a run is read by its id when FLORA's poll_url cannot be followed (`{runId}`). */
	readPath: string;
	/**
	 * The FLORA list of such runs, newest first, with their status and outputs. A kind FLORA lists
	 * nowhere has none: its runs are then read one by one, and a lost create answer cannot be
	 * matched to its run (the error says so).
	 */
	history?: { path: string; itemsKey: string; qs: IDataObject };
	/** How messages name what the run is of, e.g. "Technique: tech_x". */
	label: string;
	/** The output slots of what the run is of, when known: they name the outputs. */
	outputs?: OutputSlot[];
	/**
	 * The node's operations that read such a run by its ID and list such runs, for messages
	 * that say how to collect a run; Run → Wait and Run → Get Many (technique runs) when absent.
	 */
	collect?: { one: string; many?: string };
}

/** The operation that collects a run of this kind by its ID ("Run → Wait"). */
export function collectOperation(kind: RunKind): string {
	return kind.collect?.one ?? 'Run → Wait';
}

/** The operation that lists runs of this kind ("Run → Get Many"). */
export function listOperation(kind: RunKind): string {
	return kind.collect ? (kind.collect.many ?? kind.collect.one) : 'Run → Get Many';
}

export function readPathOf(kind: RunKind, runId: string): string {
	return kind.readPath.replace('{runId}', encodeURIComponent(runId));
}

/** Runs listed by the same history: they are read together. */
export function historyKey(kind: RunKind): string {
	return JSON.stringify(kind.history ? [kind.history.path, kind.history.qs] : [kind.readPath]);
}
