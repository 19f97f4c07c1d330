import type { IDataObject } from 'n8n-workflow';

import type { FloraWebhookEvent } from '../shared/flora/webhookEvent';

/** The item the trigger emits for an event, before the run is read. */
export function eventItem(event: FloraWebhookEvent): IDataObject {
	const { data } = event;
	const item: IDataObject = {
		event: event.type,
		delivery_id: event.id,
		api_version: event.api_version ?? null,
		created_at: event.created_at ?? null,
		run_id: data.run_id,
		run_type: data.run_type ?? null,
		status: data.status ?? null,
		workspace_id: data.workspace_id ?? null,
	};
	if (data.error_code !== undefined) item.error_code = data.error_code;
	if (data.error_message !== undefined) item.error_message = data.error_message;
	return item;
}
