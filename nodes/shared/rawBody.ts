import type { IWebhookFunctions } from 'n8n-workflow';

/** The request body exactly as it arrived: signatures are computed over these bytes. */
export async function readRawBody(context: IWebhookFunctions): Promise<Buffer> {
	const request = context.getRequestObject();
	// n8n reads the body into `rawBody` before parsing JSON; for other content types it is
	// read on demand.
	if (request.rawBody === undefined && typeof request.readRawBody === 'function') {
		await request.readRawBody();
	}
	return request.rawBody ?? Buffer.alloc(0);
}
