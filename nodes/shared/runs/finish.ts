import type { IExecuteFunctions, INode, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { FloraClient } from '../flora/client';
import type { Run } from '../flora/types';
import { isTerminal } from '../flora/types';
import { collectWith, runFailedError } from './errors';
import type { RunKind } from './kind';
import type { FinishOptions, WaitOptions } from './options';
import type { BinaryStoreContext } from './outputFiles';
import { attachOutputFiles } from './outputFiles';
import { completedRunItems, pendingRunItem } from './outputs';
import { waitForRun } from './watch';

/**
 * Waits for a run (unless it already ended or the wait already timed out) and turns it into
 * items: its outputs when it completed, an error naming it when it failed, and, past the
 * timeout, either an error or the still-running run, as the user chose.
 */
export async function finishRun(
	context: IExecuteFunctions,
	client: FloraClient,
	kind: RunKind,
	started: { run: Run; startedAt: number; timedOut?: boolean },
	options: FinishOptions,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	let { run } = started;
	let unreachable: Error | undefined;
	if (!isTerminal(run.status) && !started.timedOut) {
		({ run, unreachable } = await waitForRun(
			client,
			kind,
			run,
			options,
			started.startedAt,
			itemIndex,
		));
	}
	if (!isTerminal(run.status)) {
		const timedOut = timedOutRunItem(client.node, run, kind, options, itemIndex, unreachable);
		if (timedOut instanceof Error) throw timedOut;
		return [timedOut];
	}
	return await endedRunOutput(context, client, run, kind, options, itemIndex);
}

/**
 * The items of a run that ended: an error naming it when it failed; its outputs when it
 * completed, with its media files attached when the user asked for them.
 */
export async function endedRunOutput(
	context: BinaryStoreContext,
	client: FloraClient,
	run: Run,
	kind: RunKind,
	options: Pick<FinishOptions, 'outputLayout' | 'downloadInto'>,
	itemIndex: number,
): Promise<INodeExecutionData[]> {
	if (run.status === 'failed') throw runFailedError(client.node, run, kind, itemIndex);
	const items = completedRunItems(run, kind, options.outputLayout, itemIndex);
	if (!options.downloadInto) return items;
	return await attachOutputFiles(
		context,
		client,
		run.run_id,
		items,
		run.outputs ?? [],
		options.outputLayout,
		options.downloadInto,
		itemIndex,
	);
}

/**
 * What "On Timeout" makes of a run that had not ended when the timeout passed: the run itself,
 * marked `timed_out`, or an error that names it.
 */
export function timedOutRunItem(
	node: INode,
	run: Run,
	kind: RunKind,
	options: Pick<WaitOptions, 'onTimeout' | 'timeoutMs'>,
	itemIndex: number,
	unreachable?: Error,
): INodeExecutionData | NodeOperationError {
	if (options.onTimeout === 'returnRun') return pendingRunItem(run, kind, itemIndex, true);
	const why = unreachable
		? `FLORA could not be read when the timeout passed (${unreachable.message}), so the node does not know whether the run has ended.`
		: 'The run had not ended in FLORA when the timeout passed.';
	const error = new NodeOperationError(
		node,
		`The FLORA run ${run.run_id} did not finish within ${options.timeoutMs / 1000} seconds`,
		{
			itemIndex,
			description: `${why} It goes on in FLORA and is charged if it completes: do not run the workflow again. Collect it later with ${collectWith(run.run_id, kind)}${kind.collect ? '' : ' or Run → Get'}; raise "Timeout", or set "On Timeout" to "Return the Run" to pass the run on instead.`,
		},
	);
	error.context.runId = run.run_id;
	return error;
}
