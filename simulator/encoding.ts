/** Random ids (`run_…`, `req_…`) and base64url-encoded JSON (list cursors, upload policies). */
import { randomBytes } from 'node:crypto';

export function rid(prefix: string, bytes = 12): string {
	return `${prefix}${randomBytes(bytes).toString('hex')}`;
}

export function b64url(s: string): string {
	return Buffer.from(s, 'utf8').toString('base64url');
}

export function unb64url(s: string): unknown {
	try {
		return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
	} catch {
		return null;
	}
}
