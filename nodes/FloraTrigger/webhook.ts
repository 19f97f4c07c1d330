import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { verifyFloraCall } from '../shared/flora/webhookCall';
import type { SignatureFailure } from '../shared/flora/webhookSignature';
import { claimInProcess, seenBefore } from './deliveries';
import { parseEvent } from '../shared/flora/webhookEvent';
import { eventItem } from './event';
import { readEventRun } from './readRun';

const SIGNATURE_PROBLEMS: Record<SignatureFailure, string> = {
	'no-secret':
		'This workflow cannot verify FLORA calls: set the Webhook Signing Secret (whsec_…) in the FLORA credential',
	missing: 'The Flora-Signature header is missing',
	malformed: 'The Flora-Signature header is malformed',
	stale: 'The Flora-Signature timestamp is too old or in the future',
	mismatch: 'The Flora-Signature does not match the body',
};

/**
 * Answers the call itself, the way n8n's Webhook node refuses a request or answers in
 * streaming mode. With `noWebhookResponse`, n8n saves the node's static data before it starts
 * the workflow; with n8n's own answer after `workflowData` (responseMode onReceived), n8n
 * 2.41 loses every change after the first (a second workflow object made for the execution
 * resets the changed mark before the save), and answers the literal text "firstEntryJson".
 */
function reply(context: IWebhookFunctions, statusCode: number, body: IDataObject) {
	const response = context.getResponseObject();
	response.writeHead(statusCode, { 'Content-Type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
	return { noWebhookResponse: true } satisfies IWebhookResponseData;
}

/**
 * A call from FLORA: verified, deduplicated, filtered by event, then one item. Only a
 * signed, new, selected event starts an execution; FLORA gets a 2xx for every genuine call
 * (so it stops retrying) and a 401 for anything it did not sign.
 */
export async function handleWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const { rawBody, check } = await verifyFloraCall(this);
	if (!check.valid) {
		const problem = SIGNATURE_PROBLEMS[check.reason];
		if (check.reason === 'no-secret') this.logger.warn(`FLORA Trigger: ${problem}`);
		else this.logger.debug(`FLORA Trigger refused a call: ${problem}`);
		return reply(this, 401, { message: problem });
	}

	const parsed = parseEvent(rawBody);
	if ('problem' in parsed) return reply(this, 400, { message: parsed.problem });
	const { event } = parsed;

	const fresh = claimInProcess(this.getWorkflow().id ?? '', event.id);
	if (seenBefore(this.getWorkflowStaticData('node'), event.id) || !fresh) {
		return reply(this, 200, { received: true, duplicate: true });
	}

	const events = this.getNodeParameter('events', []) as string[];
	if (!events.includes(event.type)) {
		return reply(this, 200, { received: true, ignored: event.type });
	}

	// FLORA is answered before the run is read: it waits at most 10 s for an answer.
	const accepted = reply(this, 200, { received: true });
	const item: IDataObject = eventItem(event);
	if (this.getNodeParameter('includeRun', true) as boolean) {
		const outcome = await readEventRun(this, event);
		if ('run' in outcome) item.run = outcome.run;
		else item.run_error = outcome.error;
	}
	return { ...accepted, workflowData: [this.helpers.returnJsonArray([item])] };
}
