import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { FloraErrorBody } from './types';

/** What FLORA said, reduced to what a message may show (never the request, never the key). */
export interface FloraApiFailure {
	httpCode: number;
	code: string;
	message: string;
	fields: Array<{ field: string; message: string }>;
	requestId?: string;
	/** How many attempts the node made before giving up (retryable errors only). */
	attempts?: number;
}

interface ErrorEntry {
	message: string;
	description: (failure: FloraApiFailure) => string;
}

const listFields = (failure: FloraApiFailure) =>
	failure.fields.map(({ field, message }) => `• ${field}: ${message}`).join('\n');

const retried = (failure: FloraApiFailure) =>
	failure.attempts && failure.attempts > 1 ? ` The node tried ${failure.attempts} times.` : '';

const internalFault: ErrorEntry = {
	message: 'FLORA had an internal error',
	description: (f) =>
		`The fault is on FLORA's side.${retried(f)} Try again later; if it keeps happening, contact FLORA support with the request ID.`,
};

/** One row per error code of FLORA's public API: what happened, and what to do about it. */
export const FLORA_ERRORS: Record<string, ErrorEntry> = {
	input_validation_error: {
		message: 'FLORA rejected the inputs of this request',
		description: (f) =>
			f.fields.length > 0
				? `Fix these fields and run again:\n${listFields(f)}`
				: `FLORA said: ${f.message}. Check the node's inputs and parameters and run again.`,
	},
	invalid_json: {
		message: 'FLORA could not read the request the node sent',
		description: () =>
			'The request body was not valid JSON. This is a fault in the FLORA node, not in your workflow: please report it with the request ID.',
	},
	unauthorized: {
		message: 'FLORA did not accept the credentials',
		description: () =>
			'The API key is missing or malformed. Open the FLORA API credential and paste the key from FLORA (Settings → API keys).',
	},
	invalid_api_key: {
		message: 'The FLORA API key is invalid or has been revoked',
		description: () =>
			'Create a new key in FLORA (Settings → API keys) and paste it into the FLORA API credential.',
	},
	insufficient_credits: {
		message: 'Not enough FLORA credits to start this run',
		description: () =>
			'The workspace balance is below the cost of this run. Top up credits in FLORA (Settings → Billing) and run again. Nothing was charged.',
	},
	forbidden: {
		message: 'This FLORA API key is not allowed to do this',
		description: () =>
			'The key is valid but lacks permission: its role may be read-only, or what the node uses (a technique, a project, a workspace) may be archived or belong to another workspace. Ask a workspace owner for access, or pick another one.',
	},
	not_found: {
		message: 'FLORA could not find what the node asked for',
		description: () =>
			'Check the ID the node was given (of a technique, model, action, project, asset or run). It may have been deleted, or it belongs to a workspace this API key cannot see.',
	},
	idempotency_duplicate: {
		message: 'FLORA already started a run with this idempotency key',
		description: () =>
			'The key was used in the last two hours, so FLORA did not start (or charge) another run. To start a new run, set a different Idempotency Key or leave that option empty.',
	},
	conflict: {
		message: 'FLORA refused the change because of the current state',
		description: () =>
			'The object is not in a state that allows this (for example an upload that was already completed). Run the step again from the start.',
	},
	idempotency_conflict: {
		message: 'This idempotency key was already used with different inputs',
		description: () =>
			'FLORA keeps each idempotency key for one request body. Use a new Idempotency Key for different inputs, or leave that option empty.',
	},
	rate_limited: {
		message: 'FLORA is rate limiting requests from this workspace',
		description: (f) =>
			`FLORA asked the node to slow down.${retried(f)} Process fewer items at once, or run the workflow again in a minute. Limits are shared with the workspace's other FLORA clients.`,
	},
	unknown_error: internalFault,
	internal_error: internalFault,
	service_unavailable: {
		message: 'FLORA is temporarily unavailable',
		description: (f) =>
			`FLORA is overloaded or under maintenance.${retried(f)} Run the workflow again in a few minutes.`,
	},
};

const unknownCode: ErrorEntry = {
	message: 'FLORA answered with an error',
	description: (f) =>
		`FLORA returned the error code "${f.code}" with HTTP status ${f.httpCode}: ${f.message}.${retried(f)} If this keeps happening, contact FLORA support with the request ID.`,
};

export function parseFailure(
	httpCode: number,
	body: unknown,
	requestId: string | undefined,
): FloraApiFailure {
	const error = (body as FloraErrorBody | undefined)?.error;
	return {
		httpCode,
		code: typeof error?.code === 'string' ? error.code : `http_${httpCode}`,
		message: typeof error?.message === 'string' ? error.message : `HTTP status ${httpCode}`,
		fields: Array.isArray(error?.fields) ? error.fields : [],
		requestId,
	};
}

/** FLORA's error code and the number of attempts, when an error came from FLORA's API. */
export function floraErrorCode(error: unknown): { code: string; attempts: number } | undefined {
	if (!(error instanceof NodeApiError) || typeof error.context.floraErrorCode !== 'string')
		return undefined;
	return { code: error.context.floraErrorCode, attempts: Number(error.context.attempts ?? 1) };
}

export function floraApiError(
	node: INode,
	failure: FloraApiFailure,
	itemIndex?: number,
): NodeApiError {
	const entry = FLORA_ERRORS[failure.code] ?? unknownCode;
	const requestId = failure.requestId ? `\nRequest ID: ${failure.requestId}` : '';
	const errorResponse: JsonObject = {
		code: failure.code,
		message: failure.message,
		fields: failure.fields,
		httpCode: String(failure.httpCode),
		...(failure.requestId ? { request_id: failure.requestId } : {}),
	};
	const error = new NodeApiError(node, errorResponse, {
		message: `${entry.message}: ${failure.message}`,
		description: `${entry.description(failure)}${requestId}`,
		httpCode: String(failure.httpCode),
		itemIndex,
	});
	error.context.floraErrorCode = failure.code;
	error.context.floraMessage = failure.message;
	error.context.attempts = failure.attempts ?? 1;
	if (failure.requestId) error.context.requestId = failure.requestId;
	return error;
}

export function networkError(
	node: INode,
	cause: Error,
	url: string,
	attempts: number,
	itemIndex?: number,
) {
	const host = safeHost(url);
	return new NodeApiError(node, { code: 'network_error', message: cause.message } as JsonObject, {
		message: `Could not reach FLORA at ${host}`,
		description: `The connection failed (${(cause as NodeJS.ErrnoException).code ?? cause.message}) after ${attempts} attempts. Check the Base URL in the FLORA API credential and the network of your n8n instance, then run again.`,
		itemIndex,
	});
}

function safeHost(url: string) {
	try {
		return new URL(url).host;
	} catch {
		return 'the configured Base URL';
	}
}

/** What a failed run's error code means for the person who built the workflow. */
export const RUN_FAILURES: Record<string, string> = {
	provider_error:
		'The AI provider behind this run failed. Running again usually works; failed runs are not charged.',
	model_timeout:
		'The model took too long and FLORA stopped the run. Running again usually works; failed runs are not charged.',
	safety_blocked:
		"The provider's safety filters blocked the inputs or the result. Change the prompt or the images and run again.",
	input_unreachable:
		'FLORA could not download one of the input URLs. Make sure every image or video URL is public (not behind a login) and still valid.',
	internal_error:
		'FLORA had an internal error during the run. Try again later; failed runs are not charged.',
};

/** Errors keep their n8n type; anything else becomes a NodeOperationError for that item. */
export function asNodeError(
	node: INode,
	error: unknown,
	itemIndex?: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	return new NodeOperationError(node, error as Error, { itemIndex });
}
