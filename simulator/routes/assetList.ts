/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * GET /assets (the assets, newest first, filtered and paged by cursor) and
 * POST /assets/{assetId}/retry (a fresh signed upload reservation for a signed upload that
 * failed or whose reservation expired).
 *
 * Where the sources differ (FLORA's OpenAPI 1.6.0, @flora-ai/flora 0.11), what is simulated:
 * - A list entry's created_at is a number (unix ms) in both, while GET /assets/{assetId}
 *   answers an ISO string: both are kept as the sources say. The list entry carries
 *   project_id (null when the asset was not made for a project) and node_id (always null: the
 *   simulator has no canvas).
 * - Order: neither source says; newest first, as the other histories. `query` matches the
 *   asset's name, case-insensitively; workspace_id and project_id filter (ids checked: 400
 *   for a malformed one, 404 for an unknown workspace).
 * - Retry: "a fresh signed upload reservation for a failed or expired asset upload" (both).
 *   Only a signed upload can be retried, and only when it failed or its reservation expired;
 *   anything else answers 409 conflict (as POST /assets/{assetId}/complete does for a state
 *   it cannot change; the code is one ../shared/flora-api.md documents, not in the spec's
 *   enum). The asset keeps its id; bytes sent before are dropped, and the old upload form and
 *   token no longer work. The answer is the create's shape (upload, upload_url, expires_at) with
 *   status pending_upload and failure_message null. The Idempotency-Key header works as on
 *   every POST (409 on an exact replay, 422 for another asset with the same key).
 * - The path id must be asset_… (the spec's pattern): another id answers 400 naming assetId.
 * - Expiry and failure happen on FLORA's side; in the simulator a reservation expires after an
 *   hour of real time, and Simulator.expireUpload() (POST /_simulator/assets/{assetId}/expire)
 *   expires it, or fails it, at once.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type * as http from 'node:http';

import { b64url, unb64url } from '../encoding';
import { ApiError, firstHeader, json, validationError, type Reply } from '../http';
import type { AssetState, SimState } from '../state';
import type { AssetRoutes } from './assets';
import { parseLimit } from './paging';
import { checkWorkspace } from './workspaces';

export class AssetListRoutes {
	constructor(
		private readonly s: SimState,
		private readonly assets: AssetRoutes,
	) {}

	list(query: Record<string, string>) {
		const limit = parseLimit(query);
		checkWorkspace(query.workspace_id);
		if (query.project_id !== undefined && !/^prj_\S+$/.test(query.project_id))
			throw validationError([{ field: 'project_id', message: 'must be a project id (prj_…)' }]);
		let before = Infinity;
		if (query.cursor !== undefined) {
			const c = unb64url(query.cursor) as { k?: string; s?: number } | null;
			if (!c || c.k !== 'a' || typeof c.s !== 'number')
				throw validationError([{ field: 'cursor', message: 'is not a valid cursor' }]);
			before = c.s;
		}
		const q = (query.query ?? '').trim().toLowerCase();
		const all = [...this.s.assets.keys()]
			.map((id) => this.assets.asset(id))
			.filter(
				(a) =>
					(query.workspace_id === undefined || a.workspace_id === query.workspace_id) &&
					(query.project_id === undefined || a.project_id === query.project_id) &&
					a.file_name.toLowerCase().includes(q),
			)
			.sort((a, b) => b.seq - a.seq);
		const remaining = all.filter((a) => a.seq < before);
		const page = remaining.slice(0, limit);
		const next =
			remaining.length > limit
				? b64url(JSON.stringify({ k: 'a', s: page[page.length - 1].seq }))
				: null;
		return {
			assets: page.map((a) => this.entryJson(a)),
			meta: { next_cursor: next, total_estimate: all.length },
		};
	}

	private entryJson(a: AssetState): Record<string, unknown> {
		const one = this.assets.assetJson(a);
		return {
			asset_id: one.asset_id,
			name: one.name,
			description: one.description,
			workspace_id: one.workspace_id,
			url: one.url,
			content_type: one.content_type,
			upload_content_type: one.upload_content_type,
			uploaded_via: one.uploaded_via,
			status: one.status,
			width: one.width,
			height: one.height,
			size_bytes: one.size_bytes,
			created_at: Date.parse(a.created_at),
			node_id: null,
			project_id: a.project_id ?? null,
		};
	}

	/** POST /assets/{assetId}/retry. */
	retry(assetId: string, req: http.IncomingMessage): Reply {
		if (!/^asset_\S+$/.test(assetId))
			throw validationError([{ field: 'assetId', message: 'must be an asset id (asset_…)' }]);
		const a = this.assets.asset(assetId);
		const remember = this.s.idempotency.check(
			'retry',
			firstHeader(req.headers['idempotency-key']),
			{ assetId },
		);
		const expired =
			a.status === 'pending_upload' &&
			a.expires_at !== undefined &&
			Date.parse(a.expires_at) <= Date.now();
		if (a.uploaded_via !== 'signed_url' || !(a.status === 'failed' || expired)) {
			throw new ApiError(
				409,
				'conflict',
				a.uploaded_via !== 'signed_url'
					? `Asset "${assetId}" was not a signed upload (${a.uploaded_via}); only those can be retried.`
					: `Asset "${assetId}" is ${a.status}${a.status === 'pending_upload' ? ' and its upload reservation has not expired' : ''}; only a failed or expired signed upload can be retried.`,
			);
		}
		remember?.();
		if (a.filePath) rmSync(a.filePath, { force: true });
		Object.assign(a, {
			status: 'pending_upload',
			failure_message: null,
			expires_at: new Date(Date.now() + 3600_000).toISOString(),
			uploadToken: randomBytes(16).toString('hex'),
			upload_content_type: a.content_type,
			filePath: undefined,
			size: undefined,
			sha256: undefined,
			data: undefined,
			width: undefined,
			height: undefined,
		});
		return json(200, { ...this.assets.assetCreatedJson(a), failure_message: null });
	}
}
