/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** API keys and the Authorization check every FLORA API route makes. */
import type * as http from 'node:http';

import { ApiError, firstHeader } from './http';

export const DEFAULT_API_KEY = 'sk_test_flora_simulator';
export const VIEWER_API_KEY = 'sk_test_flora_viewer';

export type Auth = { key: string; role: 'owner' | 'viewer' };

/** `ownerKeys`: the keys with the owner role. */
export function authenticate(req: http.IncomingMessage, ownerKeys: Set<string>): Auth {
	const h = firstHeader(req.headers['authorization']);
	const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
	if (!m)
		throw new ApiError(
			401,
			'unauthorized',
			'Missing or malformed Authorization header. Use "Authorization: Bearer <api key>".',
		);
	const key = m[1];
	if (key === VIEWER_API_KEY) return { key, role: 'viewer' };
	if (ownerKeys.has(key)) return { key, role: 'owner' };
	throw new ApiError(401, 'invalid_api_key', 'The API key is invalid or has been revoked.');
}
