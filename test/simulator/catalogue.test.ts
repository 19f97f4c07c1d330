/** Technique catalogue: search, cursor pagination over every page, lookups by id or slug. */
import { TECHNIQUES, startSimulator, type Simulator } from '../../simulator';
import { api, type Json } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator();
});
afterAll(() => sim.close());

async function allPages(
	params: Record<string, unknown>,
): Promise<{ items: Json[]; pages: number; totals: number[] }> {
	const items: Json[] = [];
	const totals: number[] = [];
	let cursor: string | undefined;
	let pages = 0;
	do {
		const r = await api(sim).get('/techniques', {
			params: { ...params, ...(cursor ? { cursor } : {}) },
		});
		expect(r.status).toBe(200);
		pages++;
		items.push(...r.data.techniques);
		totals.push(r.data.meta.total_estimate);
		cursor = r.data.meta.next_cursor ?? undefined;
		if (cursor === undefined) expect(r.data.meta.next_cursor).toBeNull();
	} while (cursor && pages < 50);
	return { items, pages, totals };
}

test('listing without a query walks every page until next_cursor is null', async () => {
	const { items, pages, totals } = await allPages({ limit: 7 });
	expect(TECHNIQUES.length).toBeGreaterThanOrEqual(40);
	expect(pages).toBe(Math.ceil(TECHNIQUES.length / 7));
	expect(items.map((t) => t.technique_id)).toEqual(TECHNIQUES.map((t) => t.technique_id));
	expect(new Set(totals)).toEqual(new Set([TECHNIQUES.length]));
	const first = await api(sim).get('/techniques');
	expect(first.data.techniques).toHaveLength(20); // default limit
});

test('a query searches name, description and slug case-insensitively, across pages', async () => {
	const { items, pages } = await allPages({ query: 'STUDIO', limit: 5 });
	expect(pages).toBeGreaterThan(1);
	expect(items.length).toBeGreaterThanOrEqual(20);
	for (const t of items) expect(`${t.name} ${t.description}`.toLowerCase()).toContain('studio');
	const bySlug = await api(sim).get('/techniques', { params: { query: 'art-directors' } });
	expect(bySlug.data.techniques.map((t: Json) => t.technique_id)).toEqual([
		'tech_art_directors_critique',
	]);
	const none = await api(sim).get('/techniques', { params: { query: 'zzz-no-match' } });
	expect(none.data).toEqual({ techniques: [], meta: { next_cursor: null, total_estimate: 0 } });
});

test('limit outside 1..100 and a cursor from another query answer 400 naming the field', async () => {
	for (const limit of ['0', '101', 'ten', '2.5']) {
		const r = await api(sim).get('/techniques', { params: { limit } });
		expect(r.status).toBe(400);
		expect(r.data.error.fields).toEqual([{ field: 'limit', message: expect.any(String) }]);
	}
	const p1 = await api(sim).get('/techniques', { params: { query: 'studio', limit: 2 } });
	const r = await api(sim).get('/techniques', {
		params: { query: 'express', cursor: p1.data.meta.next_cursor },
	});
	expect(r.status).toBe(400);
	expect(r.data.error.fields[0].field).toBe('cursor');
});

test('a technique is found by id or by slug and answers the same public shape', async () => {
	const byId = await api(sim).get('/techniques/tech_product_shot');
	const bySlug = await api(sim).get('/techniques/product-shot');
	expect(bySlug.data).toEqual(byId.data);
	expect(Object.keys(byId.data).sort()).toEqual([
		'description',
		'inputs',
		'name',
		'outputs',
		'run_cost',
		'technique_id',
	]);
	expect(byId.data.inputs.map((s: Json) => [s.id, s.type, !!s.optional])).toEqual([
		['prompt', 'text', false],
		['product_image', 'imageUrl', false],
		['style_reference', 'imageUrl', true],
	]);
	expect(byId.data.inputs[2].specified_aspect_ratio).toBe('4:5');
	expect(byId.data.outputs.map((s: Json) => s.type)).toEqual(['imageUrl', 'imageUrl']);
	const every = await api(sim).get('/techniques/every-output-type');
	expect(every.data.outputs.map((s: Json) => s.type)).toEqual([
		'imageUrl',
		'videoUrl',
		'audioUrl',
		'text',
		'documentUrl',
	]);
	const video = await api(sim).get('/techniques/storyboard-to-video');
	expect(video.data.inputs.find((s: Json) => s.id === 'reference_clip')).toMatchObject({
		type: 'videoUrl',
		optional: true,
		specified_duration: 5,
	});
});

test('the catalogue uses all five slot types, and inputs only the three run input types', () => {
	const outTypes = new Set(TECHNIQUES.flatMap((t) => t.outputs.map((s) => s.type)));
	expect([...outTypes].sort()).toEqual(['audioUrl', 'documentUrl', 'imageUrl', 'text', 'videoUrl']);
	const inTypes = new Set(TECHNIQUES.flatMap((t) => t.inputs.map((s) => s.type)));
	expect([...inTypes].sort()).toEqual(['imageUrl', 'text', 'videoUrl']);
	expect(new Set(TECHNIQUES.map((t) => t.technique_id)).size).toBe(TECHNIQUES.length);
	expect(new Set(TECHNIQUES.map((t) => t.slug)).size).toBe(TECHNIQUES.length);
});
