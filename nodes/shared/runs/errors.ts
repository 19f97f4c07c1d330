import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { RUN_FAILURES, asNodeError, floraErrorCode } from '../flora/errors';
import type { Run } from '../flora/types';
import type { RunKind } from './kind';
import { collectOperation, listOperation } from './kind';

/** A run that ended as failed: names it, FLORA's error code and what to do. */
export function runFailedError(node: INode, run: Run, kind: RunKind, itemIndex: number) {
	const code = run.error_code ?? 'unknown';
	const error = new NodeOperationError(
		node,
		`The FLORA run ${run.run_id} failed: ${run.error_message ?? code}`,
		{
			itemIndex,
			description: `${RUN_FAILURES[code] ?? 'FLORA reported the run as failed.'}\nError code: ${code}. Run ID: ${run.run_id}. ${kind.label}.`,
		},
	);
	error.context.runId = run.run_id;
	error.context.errorCode = code;
	error.context.errorMessage = run.error_message;
	return error;
}

/**
 * How to collect a run later: the words every message about a started run ends with. Run →
 * Wait reads technique runs only; a run FLORA reads by its ID alone (an action run, a
 * generation) is read with Generation → Get, which reads any run by its ID.
 */
export function collectWith(runId: string, kind: RunKind): string {
	return `${collectOperation(kind)} (${kind.label}, Run ID: ${runId})`;
}

/** What every error after a run started says: the run goes on, and how to collect it. */
export function collectRunHint(runId: string, kind: RunKind): string {
	return `The run ${runId} started in FLORA and goes on there; it is charged if it completes. Do not run the workflow again: that starts and pays for a new run. Collect this one with ${collectWith(runId, kind)}.`;
}

/**
 * An error that happened after a run started (a read, a stream, a download): it keeps its
 * message, names the run, and says how to collect it instead of advising to run again.
 */
export function afterRunStarted(
	node: INode,
	error: unknown,
	runId: string,
	kind: RunKind,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const nodeError = asNodeError(node, error, itemIndex);
	if (nodeError.context.runId !== undefined) return nodeError;
	const requestId =
		typeof nodeError.context.requestId === 'string'
			? `\nRequest ID: ${nodeError.context.requestId}`
			: '';
	nodeError.description = `${collectRunHint(runId, kind)}${requestId}`;
	nodeError.context.runId = runId;
	return nodeError;
}

/** What an item's create knows about itself (see ledger.ts). */
interface LostCreate {
	kind: RunKind;
	idempotencyKey: string;
	windows: Array<[number, number]>;
}

function since(create: LostCreate): string {
	const first = Math.min(...create.windows.map(([sentAt]) => sentAt));
	return new Date(first - 60_000).toISOString();
}

/** A lost create answer that fits several runs: each is named, none is guessed. */
export function ambiguousRunError(
	node: INode,
	candidates: string[],
	create: LostCreate,
	itemIndex: number,
): NodeOperationError {
	const { label } = create.kind;
	const error = new NodeOperationError(
		node,
		`FLORA started this item's run, but the node cannot tell which of these runs it is: ${candidates.join(', ')}`,
		{
			itemIndex,
			description: `FLORA's answer to the run request was lost, and other runs (${label}) started at the same moment; FLORA's run history does not say which request started which run. Each of these runs goes on in FLORA and is charged if it completes. Do not run the workflow again: that starts and pays for new runs. Collect them with ${collectOperation(create.kind)} (${label}) and tell them apart by their inputs in FLORA. Idempotency key: ${create.idempotencyKey}.`,
		},
	);
	error.context.candidateRunIds = candidates;
	error.context.idempotencyKey = create.idempotencyKey;
	return error;
}

/** FLORA says the key started a run, yet no run of the history fits. */
export function missingRunError(
	node: INode,
	create: LostCreate,
	itemIndex: number,
): NodeOperationError {
	const { label } = create.kind;
	const error = new NodeOperationError(
		node,
		"FLORA started this item's run, but the run is not in FLORA's run history",
		{
			itemIndex,
			description: `FLORA answered that the idempotency key ${create.idempotencyKey} was already used, so a run was started, but no run (${label}) created since ${since(create)} fits. Do not run the workflow again: look for the run with ${listOperation(create.kind)} (${label}) and collect it with ${collectOperation(create.kind)}.`,
		},
	);
	error.context.idempotencyKey = create.idempotencyKey;
	return error;
}

/**
 * FLORA says the key started a run of a kind it lists nowhere (an action run): the run exists,
 * but nothing tells its ID.
 */
export function unlistedRunError(
	node: INode,
	create: LostCreate,
	itemIndex: number,
): NodeOperationError {
	const { label } = create.kind;
	const error = new NodeOperationError(
		node,
		"FLORA started this item's run, but its answer was lost and FLORA cannot say which run it is",
		{
			itemIndex,
			description: `FLORA answered that the idempotency key ${create.idempotencyKey} was already used, so a run (${label}) was started and goes on; it is charged if it completes. FLORA lists action runs nowhere, so the node cannot find its run ID: look for its result in the project in FLORA. Do not run the workflow again within two hours without setting the Idempotency Key option to ${create.idempotencyKey}: a new key starts and pays for a new run.`,
		},
	);
	error.context.idempotencyKey = create.idempotencyKey;
	return error;
}

/** The create gave up after attempts that may have reached FLORA: the run may have started. */
export function unconfirmedStartError(
	node: INode,
	cause: unknown,
	create: LostCreate,
	itemIndex: number,
	candidates?: string[],
): NodeApiError | NodeOperationError {
	const { label } = create.kind;
	const error = asNodeError(node, cause, itemIndex);
	const where = candidates?.length
		? `These runs (${label}) started at that moment and may be this item's: ${candidates.join(', ')}. Collect them with ${collectOperation(create.kind)} (${label}) before running the workflow again.`
		: create.kind.history
			? `Before running the workflow again, look for it with ${listOperation(create.kind)} (${label}, runs since ${since(create)}).`
			: `FLORA lists such runs (${label}) nowhere: before running the workflow again, look for its result in the project in FLORA.`;
	const requestId =
		typeof error.context.requestId === 'string' ? `\nRequest ID: ${error.context.requestId}` : '';
	error.description = `An attempt to start the run may have reached FLORA before its answer was lost, so the run may have started. ${where} Running again with the Idempotency Key option set to ${create.idempotencyKey} within two hours cannot start it twice.${requestId}`;
	error.context.idempotencyKey = create.idempotencyKey;
	if (candidates?.length) error.context.candidateRunIds = candidates;
	return error;
}

/** Added to a create's error once the run history shows that no run was started. */
export function appendNoRunStarted(error: unknown) {
	if (!(error instanceof NodeApiError || error instanceof NodeOperationError)) return;
	error.description = `${error.description ?? ''}\nFLORA's run history shows that no run was started, so running again is safe.`;
}

/**
 * FLORA refused to start an item's run again with the key the node made for it (runKey.ts):
 * the same execution ran the node on the same item before and started that run, as when n8n
 * runs an execution again after the worker running it stopped. The run goes on; FLORA's
 * answer does not say which it is, so the error says where to find it.
 */
export function earlierAttemptRunError(
	node: INode,
	cause: unknown,
	create: LostCreate,
	executionId: string | undefined,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	const { label } = create.kind;
	// FLORA's own answer (a NodeApiError with its status and request ID), said for this case.
	const error = asNodeError(node, cause, itemIndex);
	const answered =
		typeof error.context.floraMessage === 'string' ? ` ("${error.context.floraMessage}")` : '';
	const requestId =
		typeof error.context.requestId === 'string' ? `\nRequest ID: ${error.context.requestId}` : '';
	error.message = "An earlier attempt of this execution already started this item's run in FLORA";
	error.description = `FLORA refused to start the run again (${floraErrorCode(cause)?.code ?? 'idempotency key already used'}${answered}): the node makes the same idempotency key, ${create.idempotencyKey}, whenever this execution runs it on this item with this request, and an earlier attempt used it within the last two hours. n8n ran the node again in the same execution, as it does when the worker running an execution stops (queue mode). That run goes on in FLORA and is charged if it completes; FLORA's answer does not say which run it is. Do not run the workflow again. Find it with ${listOperation(create.kind)} (${label}): a run created after execution ${executionId ?? ''} started; n8n's log names it ("FLORA run <run ID> started (…, execution ${executionId ?? ''})"). Then collect it with ${collectOperation(create.kind)}.${requestId}`;
	error.context.idempotencyKey = create.idempotencyKey;
	return error;
}
