import { callListSearch, callResourceMapper, runWorkflow } from './harness/engine';
import {
	FLORA_NODE,
	floraCredentials,
	loadWorkflow,
	runFlora,
	technique,
	useSimulator,
} from './harness/flora';

const flora = useSimulator({ timeScale: 20 });
const NODE_TYPE = 'n8n-nodes-flora.floraTechnique';

const fields = (
	value: Record<string, string>,
	schema: Array<{ id: string; required: boolean; displayName?: string }>,
) => ({
	mappingMode: 'defineBelow',
	value,
	matchingColumns: [],
	schema: schema.map((field) => ({
		displayName: field.displayName ?? field.id,
		defaultMatch: false,
		canBeUsedToMatch: false,
		display: true,
		type: 'string',
		...field,
	})),
	attemptToConvertTypes: false,
	convertFieldsToString: true,
});

const productShotSchema = [
	{ id: 'prompt', required: true },
	{ id: 'product_image', required: true, displayName: 'Product image' },
	{ id: 'style_reference', required: false },
];

describe('picking a technique from a searchable list', () => {
	test('lists every technique across pages, by name with its cost per run and what it gives (n8n 2.x shows only names), with a link to FLORA', async () => {
		const credentials = floraCredentials(flora.sim)!;
		const first = await callListSearch(NODE_TYPE, 'searchTechniques', { credentials });
		expect(first.results).toHaveLength(25);
		expect(first.paginationToken).toEqual(expect.any(String));
		const second = await callListSearch(NODE_TYPE, 'searchTechniques', {
			credentials,
			paginationToken: first.paginationToken,
		});
		const all = [...first.results, ...second.results];
		expect(second.paginationToken).toBeUndefined();
		expect(all).toHaveLength(46);
		expect(new Set(all.map((entry) => entry.value)).size).toBe(46);
		const productShot = all.find((entry) => entry.value === 'tech_product_shot');
		expect(productShot).toMatchObject({
			name: 'Product Shot ($0.12) → image',
			url: 'https://app.flora.ai/techniques/tech_product_shot',
		});
		expect(flora.sim.requests.map((request) => request.query.cursor ?? null)).toEqual([
			null,
			first.paginationToken,
		]);
	});

	test('each technique in the list says what it costs, what it takes and gives, then what it does', async () => {
		const credentials = floraCredentials(flora.sim)!;
		const { results } = await callListSearch(NODE_TYPE, 'searchTechniques', {
			credentials,
			filter: 'Product Shot',
		});

		const productShot = results.find((entry) => entry.value === 'tech_product_shot')!;
		expect(productShot.description).toMatch(/^\$\d+\.\d\d a run · text \+ image → image · \S/);
	});

	test('a search query narrows the list and is sent to FLORA', async () => {
		const credentials = floraCredentials(flora.sim)!;
		const result = await callListSearch(NODE_TYPE, 'searchTechniques', {
			credentials,
			filter: 'storyboard',
		});

		expect(result.results.map((entry) => entry.value)).toContain('tech_storyboard_to_video');
		expect(
			result.results.every((entry) =>
				/storyboard/i.test(`${entry.name} ${entry.description ?? ''}`),
			),
		).toBe(true);
		expect(flora.sim.requests[0].query.query).toBe('storyboard');
	});
});

describe('inputs from the technique’s schema', () => {
	test('the resource mapper offers one field per input slot, required unless optional, with type and hints', async () => {
		const result = await callResourceMapper(NODE_TYPE, 'getTechniqueInputFields', {
			parameters: { technique: technique('storyboard-to-video') },
			credentials: floraCredentials(flora.sim)!,
		});

		const byId = Object.fromEntries(result.fields.map((field) => [field.id, field]));
		expect(Object.keys(byId)).toEqual(['storyboard', 'motion_prompt', 'reference_clip']);
		expect(byId.storyboard).toMatchObject({ required: true, display: true });
		// n8n 2.x cuts labels past about 25 characters: the kind stays, the aspect ratio does not fit.
		expect(byId.storyboard.displayName).toBe('Storyboard frame (image)');
		expect(byId.motion_prompt.displayName).toBe('Motion prompt (text)');
		expect(byId.reference_clip.required).toBe(false);
		expect(byId.reference_clip.displayName).toBe('Reference clip (video)');
	});

	test('the product-shot fields show required text and image slots and an optional image', async () => {
		const result = await callResourceMapper(NODE_TYPE, 'getTechniqueInputFields', {
			parameters: { technique: technique('https://app.flora.ai/techniques/product-shot', 'url') },
			credentials: floraCredentials(flora.sim)!,
		});

		expect(result.fields.map((field) => [field.id, field.required])).toEqual([
			['prompt', true],
			['product_image', true],
			['style_reference', false],
		]);
		expect(result.fields[2].displayName).toBe('Style reference (image)');
	});

	test('labels keep within 24 characters: kind, then element IDs, aspect ratio or duration as they fit', async () => {
		const labels = async (slug: string) =>
			(
				await callResourceMapper(NODE_TYPE, 'getTechniqueInputFields', {
					parameters: { technique: technique(slug) },
					credentials: floraCredentials(flora.sim)!,
				})
			).fields.map((field) => field.displayName);

		// A slot that takes several images is named in the plural; its long name leaves no room.
		expect(await labels('reference-remix')).toEqual([
			'Reference images',
			'Brand element (image)',
			'Direction (text)',
		]);
		const all = [
			...(await labels('storyboard-to-video')),
			...(await labels('product-shot')),
			...(await labels('reference-remix')),
		];
		for (const label of all) expect(label.length).toBeLessThanOrEqual(24);
	});

	test('a version 2 node runs with inputs mapped from the schema, typed from the technique', async () => {
		const result = await runFlora(
			flora.sim,
			{
				technique: technique('product-shot'),
				inputsSource: 'fields',
				inputFields: fields(
					{
						prompt: 'a linen studio',
						product_image: 'https://cdn.example.com/vase.png',
						style_reference: '',
					},
					productShotSchema,
				),
			},
			{ typeVersion: 2 },
		);

		expect(result.status).toBe('success');
		expect(result.items(FLORA_NODE)).toHaveLength(2);
		const create = flora.sim.requests.find((request) => request.method === 'POST')!;
		expect((create.body as { inputs: unknown[] }).inputs).toEqual([
			{ id: 'prompt', type: 'text', value: 'a linen studio' },
			{ id: 'product_image', type: 'imageUrl', value: 'https://cdn.example.com/vase.png' },
		]);
	});

	test('a required slot left empty fails before any request, naming the slot', async () => {
		const result = await runFlora(
			flora.sim,
			{
				technique: technique('product-shot'),
				inputsSource: 'fields',
				inputFields: fields({ prompt: 'a linen studio', product_image: '' }, productShotSchema),
			},
			{ typeVersion: 2 },
		);

		const error = result.nodes[FLORA_NODE].error!;
		// Named as the builder sees it, with the slot ID in brackets.
		expect(error.message).toBe('The input "Product image" (product_image) is required');
		expect(error.description).toContain('product_image');
		expect(flora.sim.requests).toHaveLength(0);
	});

	test('a version 2 node defaults to inputs from the technique', async () => {
		const result = await runFlora(
			flora.sim,
			{
				technique: technique('voiceover'),
				inputsSource: undefined as never,
				inputFields: fields({ script: 'Hello there.' }, [{ id: 'script', required: true }]),
			},
			{ typeVersion: 2 },
		);

		expect(result.error?.message).toBeUndefined();
		expect(result.items(FLORA_NODE)[0].json.type).toBe('audioUrl');
	});

	test('a workflow saved with version 1 and manual inputs (no inputsSource) still runs', async () => {
		const result = await runWorkflow(loadWorkflow('run-technique-v1-saved.json'), {
			credentials: floraCredentials(flora.sim),
		});

		expect(result.status).toBe('success');
		expect(result.items(FLORA_NODE)[0].json).toMatchObject({
			technique_id: 'tech_voiceover',
			type: 'audioUrl',
		});
		const create = flora.sim.requests.find((request) => request.method === 'POST')!;
		expect((create.body as { inputs: unknown[] }).inputs).toEqual([
			{ id: 'script', type: 'text', value: 'Spring is here.' },
		]);
	});
});
