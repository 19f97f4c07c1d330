import type { IWebhookFunctions } from 'n8n-workflow';

import type { SignatureCheck } from './webhookSignature';
import { FLORA_SIGNATURE_HEADER, verifyFloraSignature } from './webhookSignature';

/** The request body exactly as it arrived: signatures are computed over these bytes. */
async function readRawBody(context: IWebhookFunctions): Promise<Buffer> {
	const request = context.getRequestObject();
	// n8n reads the body into `rawBody` before parsing JSON; for other content types it is
	// read on demand.
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
		await request.readRawBody();
	}
	return request.rawBody ?? Buffer.alloc(0);
}

/**
 * A call to one of this package's webhooks, checked against the credential's webhook signing
 * secret: the raw body it was signed over, and whether its Flora-Signature holds.
 */
export async function verifyFloraCall(
	context: IWebhookFunctions,
): Promise<{ rawBody: Buffer; check: SignatureCheck }> {
	const credentials = await context.getCredentials('floraApi');
	const secret = typeof credentials.webhookSecret === 'string' ? credentials.webhookSecret : '';
	const rawBody = await readRawBody(context);
	const check = verifyFloraSignature({
		rawBody,
		signatureHeader: context.getHeaderData()[FLORA_SIGNATURE_HEADER],
		secret,
	});
	return { rawBody, check };
}
