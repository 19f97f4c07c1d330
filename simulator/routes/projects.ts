/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Project routes: GET /projects (a workspace's projects, most recently active first, searched
 * by name, paged by cursor), POST /projects and GET /projects/{projectId}; and the project
 * check of the creates that name a workspace and a project (POST /generate, POST /runs/action).
 *
 * Where the sources differ (FLORA's OpenAPI 1.6.0, @flora-ai/flora 0.11), what is simulated:
 * - Both agree on the shapes: a project is {project_id, name, workspace_id, origin,
 *   last_modified, created_at} (times in unix ms; origin and last_modified may be null);
 *   GET /projects requires workspace_id (the spec's `required: true`, the SDK's non-optional
 *   parameter), so a list without it answers 400 naming workspace_id.
 * - The spec's request bodies have no id patterns; the SDK says ids start with ws_ / prj_.
 *   Malformed ids answer 400 input_validation_error naming the field (the contract carries
 *   the patterns), an unknown workspace or project 404 not_found. Unlike GET /technique-runs,
 *   a malformed project id is never a 500 here.
 * - "Ordered by recent activity": by last_modified (else created_at), newest first. A new
 *   project's last_modified is its creation time; a generation or action run in a project
 *   moves it to the top (technique runs do not: they always land in the default project).
 * - The search `query` matches the name, case-insensitively. Cursors are opaque offsets bound
 *   to the workspace and query.
 */
import type * as http from 'node:http';

import { b64url, rid, unb64url } from '../encoding';
import { ApiError, firstHeader, json, validationError, type FieldError, type Reply } from '../http';
import { byActivity, publicProject, type ProjectState } from '../projects';
import type { ParsedBody } from '../requestBody';
import type { SimState } from '../state';
import { idField, jsonObject, rejectUnknown } from './bodyChecks';
import { parseLimit } from './paging';
import { checkWorkspace } from './workspaces';

export class ProjectRoutes {
	constructor(private readonly s: SimState) {}

	list(query: Record<string, string>) {
		const limit = parseLimit(query);
		if (query.workspace_id === undefined)
			throw validationError([{ field: 'workspace_id', message: 'is required' }]);
		checkWorkspace(query.workspace_id);
		const q = (query.query ?? '').trim().toLowerCase();
		let offset = 0;
		if (query.cursor !== undefined) {
			const c = unb64url(query.cursor) as { k?: string; o?: number; w?: string; q?: string } | null;
			if (!c || c.k !== 'p' || typeof c.o !== 'number' || c.w !== query.workspace_id || c.q !== q)
				throw validationError([
					{ field: 'cursor', message: 'is not a valid cursor for this query' },
				]);
			offset = c.o;
		}
		const all = [...this.s.projects.values()]
			.filter((p) => p.workspace_id === query.workspace_id && p.name.toLowerCase().includes(q))
			.sort(byActivity);
		const page = all.slice(offset, offset + limit);
		const next =
			offset + limit < all.length
				? b64url(JSON.stringify({ k: 'p', o: offset + limit, w: query.workspace_id, q }))
				: null;
		return {
			projects: page.map(publicProject),
			meta: { next_cursor: next, total_estimate: all.length },
		};
	}

	create(req: http.IncomingMessage, body: ParsedBody, apiKey: string): Reply {
		const b = jsonObject(body);
		const fields: FieldError[] = [];
		rejectUnknown(b, ['workspace_id', 'name'], fields);
		const ws = idField(b, 'workspace_id', 'ws_', 'workspace', fields);
		if (b.name === undefined) fields.push({ field: 'name', message: 'is required' });
		else if (typeof b.name !== 'string' || b.name.trim() === '')
			fields.push({ field: 'name', message: 'must be a non-empty string' });
		if (fields.length) throw validationError(fields);
		checkWorkspace(ws);
		const remember = this.s.idempotency.check(
			`project:${apiKey}`,
			firstHeader(req.headers['idempotency-key']),
			b,
		);
		remember?.();
		const now = Date.now();
		const p: ProjectState = {
			project_id: rid('prj_'),
			name: (b.name as string).trim(),
			workspace_id: ws!,
			origin: 'api',
			created_at: now,
			last_modified: now,
			seq: this.s.projects.size + 1,
		};
		this.s.projects.set(p.project_id, p);
		return json(201, publicProject(p));
	}

	/** GET /projects/{projectId}: 400 for an id that is not prj_…, 404 for an unknown one. */
	get(projectId: string) {
		if (!/^prj_\S+$/.test(projectId))
			throw validationError([{ field: 'projectId', message: 'must be a project id (prj_…)' }]);
		const p = this.s.projects.get(projectId);
		if (!p) throw new ApiError(404, 'not_found', `Project "${projectId}" was not found.`);
		return publicProject(p);
	}
}

/** The project a create names, in the workspace it names (both well-formed): 404 when there is none. */
export function projectIn(s: SimState, workspaceId: string, projectId: string): ProjectState {
	checkWorkspace(workspaceId);
	const p = s.projects.get(projectId);
	if (!p || p.workspace_id !== workspaceId)
		throw new ApiError(
			404,
			'not_found',
			`Project "${projectId}" was not found in workspace "${workspaceId}".`,
		);
	return p;
}
