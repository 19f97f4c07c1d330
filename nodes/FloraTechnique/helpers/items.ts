import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { asNodeError } from '../transport/errors';
/** The JSON of an error item under Continue On Fail: the message and what FLORA told us. */
export function itemErrorJson(
	error: Error & { description?: string | null; context?: IDataObject },
): IDataObject {
	const context = error.context ?? {};
	return {
		error: error.message,
		...(error.description ? { description: error.description } : {}),
		...(context.runId ? { run_id: context.runId } : {}),
		...(context.errorCode ? { error_code: context.errorCode } : {}),
		...(context.errorMessage ? { error_message: context.errorMessage } : {}),
		...(context.floraErrorCode ? { error_code: context.floraErrorCode } : {}),
		...(context.requestId ? { request_id: context.requestId } : {}),
	};
}

/**
 * Runs `work` for every item, in order, and flattens the results. Under Continue On Fail an
 * item whose work throws becomes one error item paired with it; otherwise the error stops the node.
 */
export async function mapItems<T>(
	context: IExecuteFunctions,
	entries: T[],
	work: (entry: T, itemIndex: number) => Promise<INodeExecutionData[]>,
): Promise<INodeExecutionData[]> {
	const results: INodeExecutionData[][] = [];
	for (let itemIndex = 0; itemIndex < entries.length; itemIndex++) {
		try {
			results.push(await work(entries[itemIndex], itemIndex));
		} catch (error) {
			if (!context.continueOnFail()) throw asNodeError(context.getNode(), error, itemIndex);
			results.push([{ json: itemErrorJson(error as Error), pairedItem: { item: itemIndex } }]);
		}
	}
	return results.flat();
}
