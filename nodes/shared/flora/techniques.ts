import type { FloraClient } from './client';
import type { Technique } from './types';

const cache = new WeakMap<FloraClient, Map<string, Promise<Technique>>>();

/** One technique by id or slug, read once per execution. */
export async function getTechnique(
	client: FloraClient,
	idOrSlug: string,
	itemIndex?: number,
): Promise<Technique> {
	let known = cache.get(client);
	if (!known) {
		known = new Map();
		cache.set(client, known);
	}
	let technique = known.get(idOrSlug);
	if (!technique) {
		technique = client
			.request<Technique>({
				method: 'GET',
				path: `/techniques/${encodeURIComponent(idOrSlug)}`,
				retry: 'safe',
				itemIndex,
			})
			.then((response) => response.body);
		known.set(idOrSlug, technique);
		technique.then(
			// Read by its slug, it is known by its id too.
			(read) => known?.has(read.technique_id) || known?.set(read.technique_id, technique!),
			() => known?.delete(idOrSlug),
		);
	}
	return await technique;
}
