/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * HTTP plumbing shared by the simulator's hosts: FLORA's error envelope (ApiError and the
 * body it answers), sending JSON, what a route handler answers (Reply), and small header,
 * URL and host checks.
 */
import type * as http from 'node:http';
import { isIP } from 'node:net';

export type FieldError = { field: string; message: string };

export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly fields?: FieldError[],
		readonly headers?: Record<string, string>,
	) {
		super(message);
	}
}

export function errorBody(code: string, message: string, fields?: FieldError[]) {
	return { error: fields && fields.length ? { code, message, fields } : { code, message } };
}

export function validationError(fields: FieldError[]): ApiError {
	return new ApiError(
		400,
		'input_validation_error',
		fields.map((f) => `${f.field}: ${f.message}`).join('; '),
		fields,
	);
}

export function send(
	res: http.ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	if (res.headersSent || res.destroyed) return;
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': String(Buffer.byteLength(text)),
		...headers,
	});
	res.end(text);
}

/** Where a run-create event stream is cut (an explicit cutStream fault or chaos); onCut runs when it is. */
export type StreamCut = { afterEvents: number; onCut?: () => void };

/** What an API route handler answers: a JSON body, or an event stream started once faults allow. */
export type Reply =
	| { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
	| {
			kind: 'stream';
			runId: string;
			start: (res: http.ServerResponse, cut: StreamCut | null) => void;
	  };

export function json(status: number, body: unknown): Reply {
	return { kind: 'json', status, body };
}

export function firstHeader(v: string | string[] | undefined): string | undefined {
	return Array.isArray(v) ? v[0] : v;
}

export function isHttpUrl(v: string): URL | null {
	try {
		const u = new URL(v);
		return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
	} catch {
		return null;
	}
}

export function isPrivateHost(hostname: string): boolean {
	const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (
		h === 'localhost' ||
		h.endsWith('.localhost') ||
		h.endsWith('.local') ||
		h.endsWith('.internal')
	)
		return true;
	if (isIP(h) === 4) {
		const [a, b] = h.split('.').map(Number);
		return (
			a === 0 ||
			a === 10 ||
			a === 127 ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			(a === 100 && b >= 64 && b <= 127)
		);
	}
	if (isIP(h) === 6)
		return (
			h === '::1' ||
			h === '::' ||
			/^f[cd]/.test(h) ||
			/^fe[89ab]/.test(h) ||
			h.startsWith('::ffff:')
		);
	return false;
}

export function isLoopbackHost(hostname: string): boolean {
	const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return h === 'localhost' || h === '::1' || /^127\./.test(h);
}
