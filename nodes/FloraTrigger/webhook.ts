import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { verifyFloraCall } from '../shared/webhookCall';
import type { SignatureFailure } from '../shared/webhookSignature';
import { seenBefore } from './deliveries';
import { eventItem, parseEvent } from './event';
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
 * Answers the call itself and starts no execution, the way n8n's Webhook node refuses a
 * request (`resp.writeHead(code); resp.end(message); return { noWebhookResponse: true }`):
 * without `workflowData`, n8n runs nothing, and `noWebhookResponse` tells it the answer is
 * already sent.
 */
function refuse(context: IWebhookFunctions, statusCode: number, message: string) {
	const response = context.getResponseObject();
	response.writeHead(statusCode, { 'Content-Type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify({ message }));
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
		return refuse(this, 401, problem);
	}

	const parsed = parseEvent(rawBody);
	if ('problem' in parsed) return refuse(this, 400, parsed.problem);
	const { event } = parsed;

	if (seenBefore(this.getWorkflowStaticData('node'), event.id)) {
		return { webhookResponse: { received: true, duplicate: true } };
	}

	const events = this.getNodeParameter('events', []) as string[];
	if (!events.includes(event.type)) {
		return { webhookResponse: { received: true, ignored: event.type } };
	}

	const item: IDataObject = eventItem(event);
	if (this.getNodeParameter('includeRun', true) as boolean) {
		const outcome = await readEventRun(this, event);
		if ('run' in outcome) item.run = outcome.run;
		else item.run_error = outcome.error;
	}

	return {
		webhookResponse: { received: true },
		workflowData: [this.helpers.returnJsonArray([item])],
	};
}
