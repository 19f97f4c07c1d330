import type { IDataObject } from 'n8n-workflow';
import { jsonParse } from 'n8n-workflow';

/** The events FLORA sends to a run's callback_url. */
export const FLORA_EVENTS = ['run.completed', 'run.failed'] as const;
export type FloraEventType = (typeof FLORA_EVENTS)[number];

/** The body FLORA POSTs to a run's `callback_url` (flora-openapi.json, `WebhookEvent`). */
export interface FloraWebhookEvent {
	id: string;
	type: FloraEventType;
	api_version?: string;
	created_at?: number;
	data: {
		run_id: string;
		run_type?: string;
		workspace_id?: string;
		status?: string;
		error_code?: string;
		error_message?: string;
	};
}

function isObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads the event from the exact bytes that were verified, or answers why it cannot. */
export function parseEvent(rawBody: Buffer): { event: FloraWebhookEvent } | { problem: string } {
	let body: unknown;
	try {
		body = jsonParse(rawBody.toString('utf8'));
	} catch {
		return { problem: 'The body is not JSON' };
	}
	if (!isObject(body)) return { problem: 'The body is not a JSON object' };
	if (typeof body.id !== 'string' || !body.id.startsWith('whd_')) {
		return { problem: 'The body has no delivery id (whd_…)' };
	}
	if (!FLORA_EVENTS.includes(body.type as FloraEventType)) {
		return { problem: `Unknown event type "${String(body.type)}"` };
	}
	if (!isObject(body.data) || typeof body.data.run_id !== 'string') {
		return { problem: 'The body has no data.run_id' };
	}
	return { event: body as unknown as FloraWebhookEvent };
}
