import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError } from '../transport/errors';
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
			...(context.errorCode ? { error_code: context.errorCode } : {}),
			...(context.errorMessage ? { error_message: context.errorMessage } : {}),
			...(context.floraErrorCode ? { error_code: context.floraErrorCode } : {}),
			...(context.requestId ? { request_id: context.requestId } : {}),
		},
	};
}

/** What decides an item's error: the node, and whether it continues on fail. */
export type ItemErrorPolicy = Pick<IExecuteFunctions, 'getNode' | 'continueOnFail'>;

/**
 * Runs `work` for every item, at most `concurrency` at a time, and flattens the results in
 * item order whatever order the work finishes in. Under Continue On Fail an item whose work
 * throws becomes one error item paired with it; otherwise the first error stops the node.
 */
export async function mapItems<T>(
	context: ItemErrorPolicy,
	entries: T[],
	work: (entry: T, itemIndex: number) => Promise<INodeExecutionData[]>,
	concurrency = 1,
): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[][] = new Array(entries.length);
	let next = 0;
	let failure: { error: unknown; itemIndex: number } | undefined;
	const worker = async () => {
		while (failure === undefined && next < entries.length) {
			const itemIndex = next++;
			try {
				results[itemIndex] = await work(entries[itemIndex], itemIndex);
			} catch (error) {
				if (!context.continueOnFail()) {
					failure ??= { error, itemIndex };
					return;
				}
				results[itemIndex] = [
					{ json: itemErrorJson(error as Error), pairedItem: { item: itemIndex } },
				];
			}
		}
	};
	const workers = Math.max(1, Math.min(concurrency, entries.length));
	await Promise.all(Array.from({ length: workers }, worker));
	if (failure) throw asNodeError(context.getNode(), failure.error, failure.itemIndex);
	return results.flat();
}
