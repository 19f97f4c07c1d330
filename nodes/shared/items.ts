import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	NodeApiError,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

import { asNodeError } from './flora/errors';
import type { Pace } from './flora/pace';

/**
 * An item's work that failed after part of it was done, such as a completed run whose files
 * partly failed to download: under Continue On Fail the done part is output beside one error
 * item per failure; otherwise the first failure stops the node.
 */
export class PartlyDone extends NodeOperationError {
	constructor(
		node: INode,
		readonly kept: INodeExecutionData[],
		readonly failures: Array<NodeApiError | NodeOperationError>,
	) {
		super(node, failures[0].message, {
			description: failures[0].description ?? undefined,
			itemIndex: failures[0].context.itemIndex as number | undefined,
		});
		Object.assign(this.context, failures[0].context);
	}
}

/**
 * The JSON of an error item under Continue On Fail: one `error` object with the message and
 * what FLORA told us. n8n sends an item whose only field is `error` to the node's error output
 * when "On Error" is "Continue (using error output)"; any other field would keep it on the
 * success output.
 */
export function itemErrorJson(
	error: Error & { description?: string | null; context?: IDataObject },
): IDataObject {
	const context = error.context ?? {};
	return {
		error: {
			message: error.message,
			...(error.description ? { description: error.description } : {}),
			...(context.runId ? { run_id: context.runId } : {}),
			...(context.candidateRunIds ? { candidate_run_ids: context.candidateRunIds } : {}),
			...(context.idempotencyKey ? { idempotency_key: context.idempotencyKey } : {}),
			...(context.outputId ? { output_id: context.outputId } : {}),
			...(context.errorCode ? { error_code: context.errorCode } : {}),
			...(context.errorMessage ? { error_message: context.errorMessage } : {}),
			...(context.floraErrorCode ? { error_code: context.floraErrorCode } : {}),
			...(context.requestId ? { request_id: context.requestId } : {}),
		},
	};
}

/** What decides an item's error: the node, and whether it continues on fail. */
export type ItemErrorPolicy = Pick<IExecuteFunctions, 'getNode' | 'continueOnFail'>;

/** How often an item waiting for its turn looks whether fewer items are allowed at once. */
const TURN_CHECK_MS = 100;

/**
 * Runs `work` for every item, at most `concurrency` at a time (fewer while the execution's
 * `pace` says so: FLORA's rate limit), and flattens the results in item order whatever order the work finishes in.
 * Under Continue On Fail an item whose work throws becomes one error item paired with it;
 * otherwise the first error stops the node.
 */
export async function mapItems<T>(
	context: ItemErrorPolicy,
	entries: T[],
	work: (entry: T, itemIndex: number) => Promise<INodeExecutionData[]>,
	concurrency = 1,
	pace?: Pace,
): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[][] = new Array(entries.length);
	let next = 0;
	let working = 0;
	let failure: { error: unknown; itemIndex: number } | undefined;
	if (pace) pace.max = concurrency;
	const worker = async () => {
		while (failure === undefined && next < entries.length) {
			if (pace && working >= pace.concurrency) {
				await sleep(TURN_CHECK_MS);
				continue;
			}
			const itemIndex = next++;
			working++;
			try {
				results[itemIndex] = await work(entries[itemIndex], itemIndex);
			} catch (error) {
				const partly = error instanceof PartlyDone ? error : undefined;
				if (!context.continueOnFail()) {
					failure ??= { error: partly?.failures[0] ?? error, itemIndex };
					return;
				}
				const errorItems = (partly?.failures ?? [error as Error]).map((cause) => ({
					json: itemErrorJson(cause),
					pairedItem: { item: itemIndex },
				}));
				results[itemIndex] = [...(partly?.kept ?? []), ...errorItems];
			} finally {
				working--;
			}
		}
	};
	const workers = Math.max(1, Math.min(concurrency, entries.length));
	await Promise.all(Array.from({ length: workers }, worker));
	if (failure) throw asNodeError(context.getNode(), failure.error, failure.itemIndex);
	return results.flat();
}
