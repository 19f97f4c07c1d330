import type { IExecuteData, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { FloraClient } from '../flora/client';
import { verifyFloraCall } from '../flora/webhookCall';
import { parseEvent } from '../flora/webhookEvent';
import { anyStillGoing } from './history';
import { resumeItems } from './webhookResume';
import type { WaitingState } from './webhookWait';
import { WAITING_STATE, runGroupsOf } from './webhookWait';

/** FLORA gives up on a callback after 10 s: its reads stay well inside that. */
const CALLBACK_READS_MS = 6_000;
const CALLBACK_READ_TIMEOUT_MS = 3_000;

/**
 * Waits this process has already resumed. n8n 2.x lets only one resume of an execution win;
 * n8n 1.x does not check, so two callbacks that both find every run ended must not both
 * resume. (Callbacks handled by different processes are not covered: see the README.)
 */
const resumedWaits = new Set<string>();
const REMEMBERED_WAITS = 1000;

function markResumed(waitId: string): boolean {
	if (resumedWaits.has(waitId)) return false;
	resumedWaits.add(waitId);
	if (resumedWaits.size > REMEMBERED_WAITS) {
		resumedWaits.delete(resumedWaits.values().next().value as string);
	}
	return true;
}

function answer(context: IWebhookFunctions, status: number, body: object): IWebhookResponseData {
	context.getResponseObject().status(status).json(body);
	return { noWebhookResponse: true };
}

function readWaitingState(context: IWebhookFunctions): WaitingState | undefined {
	const name = JSON.stringify(context.getNode().name);
	const state = context.evaluateExpression(`{{ $(${name}).context.${WAITING_STATE} }}`, 0) as
		| WaitingState
		| undefined;
	return Array.isArray(state?.items) &&
		Array.isArray(state?.runs) &&
		typeof state?.waitId === 'string'
		? state
		: undefined;
}

/**
 * The stack entry n8n resumes the waiting node from. n8n disables the node before calling its
 * webhook, so that the node's output is whatever the webhook returns; enabling it again makes
 * n8n run the node's execute() on those items, where the ended runs are collected with
 * downloads, Continue On Fail and errors exactly as when polling. Not part of n8n's
 * interfaces: it is there in n8n 1.123 and 2.41 (the end-to-end suite proves both).
 */
function resumedStackEntry(context: IWebhookFunctions): IExecuteData | undefined {
	const entry = (context as unknown as { executeData?: IExecuteData }).executeData;
	return entry?.node?.name === context.getNode().name ? entry : undefined;
}

/**
 * The webhook that resumes a waiting execution. Every callback must carry a valid FLORA
 * signature and be a FLORA event about a run this execution started; anything else is
 * answered without reading FLORA. A callback reads the run history by status (a list read or
 * two, not one read per run) to learn whether any run is still going; the one that finds
 * every run ended resumes the execution, once, and the node then collects the runs.
 */
export async function resumeOnRunCallback(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const { rawBody, check } = await verifyFloraCall(this);
	if (!check.valid) return answer(this, 401, { error: 'invalid_signature', reason: check.reason });
	const parsed = parseEvent(rawBody);
	if ('problem' in parsed)
		return answer(this, 400, { error: 'not_a_flora_event', reason: parsed.problem });

	const state = readWaitingState(this);
	const { run_id: runId } = parsed.event.data;
	if (!state || !state.runs.some((ref) => ref?.runId === runId)) {
		return answer(this, 200, { received: true, ignored: 'unknown_run' });
	}
	if (resumedWaits.has(state.waitId)) return answer(this, 200, { received: true });

	// The run this callback is about has ended; the others are looked up in the history.
	const others = runGroupsOf(state, runId);
	const client = await FloraClient.create(this);
	const patience = {
		retryUntil: Date.now() + CALLBACK_READS_MS,
		timeoutMs: CALLBACK_READ_TIMEOUT_MS,
	};
	try {
		for (const group of others) {
			if (await anyStillGoing(client, group, patience)) {
				return answer(this, 202, { received: true, waiting: true });
			}
		}
	} catch {
		// Nothing is lost: FLORA delivers this event again, and every later callback looks again.
		return answer(this, 503, { error: 'flora_unreachable', retry: true });
	}
	if (!markResumed(state.waitId)) return answer(this, 200, { received: true });

	const entry = resumedStackEntry(this);
	if (entry) entry.node.disabled = false;
	else {
		this.logger.warn(
			`${this.getNode().name}: this n8n does not let the node run again after a webhook wait; the runs are passed on as they started, for Run → Wait to collect`,
		);
	}
	this.getResponseObject().status(200).json({ received: true, resumed: true });
	return { noWebhookResponse: true, workflowData: [resumeItems(state, entry !== undefined)] };
}
