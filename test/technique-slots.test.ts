/* Technique → Run slots that take several values (allow_multiple) or an element ID (accepts_element). */
import { callResourceMapper } from './harness/engine';
import { NODE_TYPE } from './harness/actions';
import {
	FLORA_NODE,
	floraCredentials,
	RUN_ROUTE,
	runFlora,
	technique,
	useSimulator,
} from './harness/flora';

const flora = useSimulator({ timeScale: 20 });
const V2 = { typeVersion: 2 };
const refs = ['a', 'b', 'c'].map((name) => `https://cdn.example.com/refs/${name}.png`);

/** Fields mode with the schema the node's own resource mapper gives for the technique. */
async function fieldsOf(slug: string, value: Record<string, unknown>) {
	const { fields } = await callResourceMapper(NODE_TYPE, 'getTechniqueInputFields', {
		parameters: { technique: technique(slug) },
		credentials: floraCredentials(flora.sim)!,
	});
	flora.sim.requests.length = 0;
	return {
		technique: technique(slug),
		inputsSource: 'fields',
		inputs: undefined,
		inputFields: {
			mappingMode: 'defineBelow',
			value,
			matchingColumns: [],
			schema: fields,
			attemptToConvertTypes: false,
			convertFieldsToString: true,
		},
	} as never;
}

const manual = (slug: string, inputs: Array<{ id: string; type: string; value: string }>) =>
	({ technique: technique(slug), inputsSource: 'manual', inputs: { input: inputs } }) as never;

const sentInputs = () =>
	(flora.sim.requests.find((request) => request.route === RUN_ROUTE)?.body as { inputs: unknown[] })
		.inputs;
const image = (value: string, id = 'references') => ({ id, type: 'imageUrl', value });

describe('a slot that allows several values', () => {
	test('in the fields mode takes several values, one per line: one input each, one variation each', async () => {
		const parameters = await fieldsOf('reference-remix', {
			references: refs.join('\n'),
			direction: 'keep the colours',
		});
		const result = await runFlora(flora.sim, parameters, V2);

		expect(result.error?.message).toBeUndefined();
		expect(sentInputs()).toEqual([
			...refs.map((url) => image(url)),
			{ id: 'direction', type: 'text', value: 'keep the colours' },
		]);
		expect(result.items(FLORA_NODE).every((item) => item.json.status === 'completed')).toBe(true);
	});

	test('in the fields mode takes a JSON list from an expression', async () => {
		const parameters = await fieldsOf('reference-remix', { references: '={{ $json.refs }}' });
		const result = await runFlora(flora.sim, parameters, { ...V2, triggerItems: [{ refs }] });

		expect(result.error?.message).toBeUndefined();
		expect(sentInputs()).toEqual(refs.map((url) => image(url)));
	});

	test('in Define Below mode takes the slot ID repeated', async () => {
		const result = await runFlora(
			flora.sim,
			manual(
				'reference-remix',
				refs.map((url) => image(url)),
			),
			V2,
		);

		expect(result.error?.message).toBeUndefined();
		expect(sentInputs()).toEqual(refs.map((url) => image(url)));
	});

	test('each of its values is checked before any request: one that is not a URL is named', async () => {
		const parameters = await fieldsOf('reference-remix', { references: `${refs[0]}\nnot a url` });
		const result = await runFlora(flora.sim, parameters, V2);

		expect(result.nodes[FLORA_NODE].error!.message).toBe(
			'The input "Reference images" (references) is not a URL',
		);
		expect(flora.sim.countRequests(RUN_ROUTE)).toBe(0);
	});
});

describe('a slot that takes one value', () => {
	test('given twice in Define Below mode fails before any request: "The input X is given 2 times"', async () => {
		const result = await runFlora(
			flora.sim,
			manual('product-shot', [
				{ id: 'prompt', type: 'text', value: 'a linen studio' },
				image(refs[0], 'product_image'),
				image(refs[1], 'product_image'),
			]),
			V2,
		);

		const error = result.nodes[FLORA_NODE].error!;
		expect(error.message).toBe('The input "Product image" (product_image) is given 2 times');
		expect(error.description).toContain('takes one value');
		expect(flora.sim.countRequests(RUN_ROUTE)).toBe(0);
	});

	test('given three times in the fields mode (three lines) fails before any request', async () => {
		const parameters = await fieldsOf('product-shot', {
			prompt: 'a linen studio',
			product_image: 'https://cdn.example.com/vase.png',
			style_reference: refs.join('\n'),
		});
		const result = await runFlora(flora.sim, parameters, V2);

		expect(result.nodes[FLORA_NODE].error!.message).toBe(
			'The input "Style reference" (style_reference) is given 3 times',
		);
		expect(flora.sim.countRequests(RUN_ROUTE)).toBe(0);
	});
});

describe('element IDs', () => {
	test('a slot that accepts elements takes el_… ids, alone or among URLs', async () => {
		const parameters = await fieldsOf('reference-remix', {
			references: `el_mood_board_7\n${refs[0]}`,
			brand_element: 'el_brand_logo',
		});
		const result = await runFlora(flora.sim, parameters, V2);

		expect(result.error?.message).toBeUndefined();
		expect(sentInputs()).toEqual([
			image('el_mood_board_7'),
			image(refs[0]),
			image('el_brand_logo', 'brand_element'),
		]);
	});

	test('a slot without accepts_element refuses an element ID before any request', async () => {
		const parameters = await fieldsOf('product-shot', {
			prompt: 'a linen studio',
			product_image: 'https://cdn.example.com/vase.png',
			style_reference: 'el_moody_light',
		});
		const result = await runFlora(flora.sim, parameters, V2);

		const error = result.nodes[FLORA_NODE].error!;
		expect(error.message).toBe(
			'The input "Style reference" (style_reference) takes a URL, not the element "el_moody_light"',
		);
		expect(flora.sim.countRequests(RUN_ROUTE)).toBe(0);
	});

	test('in Define Below mode too', async () => {
		const result = await runFlora(
			flora.sim,
			manual('product-shot', [
				{ id: 'prompt', type: 'text', value: 'a linen studio' },
				image('el_vase', 'product_image'),
				image('el_moody_light', 'style_reference'),
			]),
			V2,
		);

		expect(result.nodes[FLORA_NODE].error!.message).toMatch(
			/takes a URL, not the element "el_moody_light"$/,
		);
		expect(flora.sim.countRequests(RUN_ROUTE)).toBe(0);
	});
});
