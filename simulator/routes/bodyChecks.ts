/**
 * Checks the JSON bodies of the top-level creates share (POST /projects, POST /generate,
 * POST /runs/action, and the callback_url of a technique run create): every problem is
 * collected as a field error, so that one answer names them all.
 */
import { ApiError, isHttpUrl, isPrivateHost, validationError, type FieldError } from '../http';
import type { ParsedBody } from '../requestBody';

/** The body as a JSON object: 400 invalid_json when it is not JSON, 400 naming `body` when it is not an object. */
export function jsonObject(body: ParsedBody): Record<string, unknown> {
	if (body.kind !== 'json') {
		throw new ApiError(
			400,
			'invalid_json',
			body.tooLarge ? 'The request body is too large.' : 'The request body is not valid JSON.',
		);
	}
	const b = body.value;
	if (!b || typeof b !== 'object' || Array.isArray(b))
		throw validationError([{ field: 'body', message: 'must be a JSON object' }]);
	return b as Record<string, unknown>;
}

/** A field error for each key of `obj` that is not in `allowed`. */
export function rejectUnknown(
	obj: Record<string, unknown>,
	allowed: readonly string[],
	fields: FieldError[],
	prefix = '',
): void {
	for (const k of Object.keys(obj))
		if (!allowed.includes(k)) fields.push({ field: `${prefix}${k}`, message: 'is not allowed' });
}

/**
 * A required id field (`ws_…`, `prj_…`): its value when well-formed, else undefined with the
 * problem recorded.
 */
export function idField(
	b: Record<string, unknown>,
	key: string,
	prefix: string,
	what: string,
	fields: FieldError[],
): string | undefined {
	const v = b[key];
	if (v === undefined) fields.push({ field: key, message: 'is required' });
	else if (typeof v !== 'string' || !new RegExp(`^${prefix}\\S+$`).test(v))
		fields.push({ field: key, message: `must be a ${what} id (${prefix}…)` });
	else return v;
	return undefined;
}

/**
 * What is wrong with a callback URL, or null: as FLORA, only https to a public host. (Test
 * mode's callbackHosts change where a callback is delivered, never what is accepted.)
 */
export function callbackUrlProblem(value: unknown): string | null {
	const u = typeof value === 'string' ? isHttpUrl(value) : null;
	if (!u) return 'must be an https URL';
	if (u.protocol !== 'https:') return 'must use https';
	if (isPrivateHost(u.hostname)) return 'must not point to a private or internal host';
	return null;
}
