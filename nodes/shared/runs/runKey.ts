import { createHash } from 'crypto';
import type { IExecuteFunctions } from 'n8n-workflow';
import { randomString } from 'n8n-workflow';

/**
 * The idempotency key of an item's run when the user gave none.
 *
 * The same execution running the same node on the same item with the same request makes the
 * same key, also in another n8n process: when the queue-mode worker running an execution
 * stops and n8n runs the execution again on another worker (n8n 1.x does, by default), the
 * node there has no memory of the run it started, and FLORA refuses to start that run twice.
 * Anything else makes another key: another n8n instance, workflow, execution, node, run of the
 * node (a loop), item or request, or a try after the item's run failed (`after`, the failed
 * run). A key stays random where n8n cannot run the same thing again the same way: without an
 * execution ID, and for a tool call (`random`; an agent run again asks its model anew, and
 * n8n 1.x numbers tool calls per agent run, so two calls could not be told apart).
 */
export function itemRunKey(
	context: IExecuteFunctions,
	itemIndex: number,
	fingerprint: string,
	options: { runIndex: number | null; after?: string; random?: boolean },
): string {
	const executionId = context.getExecutionId();
	if (!executionId || executionId === '__UNKNOWN__' || options.random) {
		return `n8n-${executionId || 'manual'}-${itemIndex}-${randomString(16)}`;
	}
	const scope = [
		context.getInstanceId(),
		context.getWorkflow().id ?? null,
		executionId,
		context.getNode().id,
		options.runIndex,
		itemIndex,
		fingerprint,
		options.after ?? null,
	];
	const digest = createHash('sha256').update(JSON.stringify(scope)).digest('hex').slice(0, 24);
	return `n8n-${executionId}-${itemIndex}-${digest}`;
}

/** How many times the node ran before in this execution (a loop runs it again). */
export function runIndexOf(context: IExecuteFunctions, itemIndex: number): number | null {
	try {
		const runIndex = context.getWorkflowDataProxy(itemIndex).$runIndex;
		return typeof runIndex === 'number' ? runIndex : null;
	} catch {
		return null;
	}
}
