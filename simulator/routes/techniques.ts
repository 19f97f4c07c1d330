/** GET /techniques (search, paged by cursor) and the technique a path names. */
import {
	findTechnique,
	publicTechnique,
	searchTechniques,
	type CatalogueTechnique,
} from '../catalogue';
import { b64url, unb64url } from '../encoding';
import { ApiError, validationError } from '../http';
import { parseLimit } from './paging';
import { checkWorkspace } from './workspaces';

/** The technique of a path's techniqueId (an id or a slug); 404 when there is none. */
export function techniqueOr404(idOrSlug: string): CatalogueTechnique {
	const t = findTechnique(idOrSlug);
	if (!t) throw new ApiError(404, 'not_found', `Technique "${idOrSlug}" was not found.`);
	return t;
}

export function listTechniques(query: Record<string, string>) {
	const limit = parseLimit(query);
	checkWorkspace(query.workspace_id);
	const q = query.query ?? '';
	let offset = 0;
	if (query.cursor !== undefined) {
		const c = unb64url(query.cursor) as { k?: string; o?: number; q?: string } | null;
		if (!c || c.k !== 't' || typeof c.o !== 'number' || c.q !== q) {
			throw validationError([{ field: 'cursor', message: 'is not a valid cursor for this query' }]);
		}
		offset = c.o;
	}
	const all = searchTechniques(q);
	const page = all.slice(offset, offset + limit);
	const next =
		offset + limit < all.length ? b64url(JSON.stringify({ k: 't', o: offset + limit, q })) : null;
	return {
		techniques: page.map(publicTechnique),
		meta: { next_cursor: next, total_estimate: all.length },
	};
}
