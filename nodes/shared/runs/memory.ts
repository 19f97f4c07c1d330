import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { RunKind } from './kind';

/** What the node remembers of the run it started for one item in this execution. */
export interface RememberedRun {
	/** The request the run was started for; another request is another run. */
	fingerprint: string;
	/**
	 * n8n's run index of the node when it started the run: Retry On Fail's tries keep it, a
	 * loop running the node again on the item is another run.
	 */
	runIndex: number | null;
	idempotencyKey: string;
	/** Attempts that may have created the run (see ledger.ts), kept for a later try. */
	windows: Array<[number, number]>;
	runId?: string;
	kind?: RunKind;
}

const KEY = 'floraItemRuns';

/**
 * The runs this node started for its items in this execution, kept in the node's execution
 * context. n8n's Retry On Fail runs the node again for every item within the same execution,
 * and that context survives the tries: an item whose run started in an earlier try collects
 * that run instead of buying another. It lives in the process running the execution: when n8n
 * runs the execution again elsewhere, the idempotency key (runKey.ts) stands in for it.
 */
export function itemRuns(context: IExecuteFunctions): Record<string, RememberedRun> {
	const nodeContext = context.getContext('node');
	if (typeof nodeContext[KEY] !== 'object' || nodeContext[KEY] === null) nodeContext[KEY] = {};
	return nodeContext[KEY] as Record<string, RememberedRun> & IDataObject;
}

/** The same request, whatever the order of object keys. */
export function fingerprintOf(request: unknown): string {
	return JSON.stringify(request, (_key, value: unknown) =>
		value && typeof value === 'object' && !Array.isArray(value)
			? Object.fromEntries(
					Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
				)
			: value,
	);
}
