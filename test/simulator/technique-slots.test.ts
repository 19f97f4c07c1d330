/** Technique slots with allow_multiple (the slot id once per value: one run that does the technique per value) and accepts_element (an el_… id as the value), validated in run creates; the existing techniques keep their slots. */
import { TECHNIQUES, startSimulator, type Simulator } from '../../simulator';
import { api, pollRun, textInput, type Json } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 100 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const img = (id: string, value: string) => ({ id, type: 'imageUrl', value });
const remix = (inputs: Json[]) =>
	api(sim).post('/techniques/reference-remix/runs', { inputs, mode: 'async' });

test('Reference Remix has a slot with allow_multiple and accepts_element; the catalogue keeps 46 techniques', async () => {
	expect(TECHNIQUES).toHaveLength(46);
	const r = await api(sim).get('/techniques/reference-remix');
	expect(r.status).toBe(200);
	const v = sim.contract.responseValidator('GET /techniques/{techniqueId}', 200)!;
	expect({ valid: v(r.data), errors: v.errors }).toEqual({ valid: true, errors: null });
	expect(
		r.data.inputs.map((s: Json) => [
			s.id,
			s.type,
			!!s.allow_multiple,
			!!s.accepts_element,
			!!s.optional,
		]),
	).toEqual([
		['references', 'imageUrl', true, true, false],
		['brand_element', 'imageUrl', false, true, true],
		['direction', 'text', false, false, true],
	]);
	const listed = await api(sim).get('/techniques', { params: { query: 'remix' } });
	expect(listed.data.techniques.map((t: Json) => t.technique_id)).toEqual(['tech_reference_remix']);
	const flagged = TECHNIQUES.filter((t) => t.inputs.some((s) => s.allow_multiple));
	expect(flagged.map((t) => t.technique_id)).toEqual(['tech_reference_remix']);
});

test('a slot with allow_multiple takes its id once per value: one run, the outputs once per value in order, charged once per value', async () => {
	sim.setCredits(1);
	const r = await remix([
		img('references', 'https://cdn.example.com/one.png'),
		textInput('direction', 'warmer #duration:1'),
		img('references', 'el_moodboard_7'),
		img('references', 'https://cdn.example.com/three.png'),
	]);
	expect(r.status).toBe(201);
	expect(sim.runsCreated()).toBe(1);
	const done = await pollRun(api(sim), 'reference-remix', r.data.run_id);
	expect(done.charged_cost).toBe(0.24);
	expect(sim.credits).toBeCloseTo(0.76, 6);
	expect(done.outputs).toHaveLength(3);
	expect(done.outputs.every((o: Json) => o.type === 'imageUrl')).toBe(true);
	expect(new Set(done.outputs.map((o: Json) => o.url)).size).toBe(3);
	expect(
		sim
			.getRun(r.data.run_id)!
			.inputs.filter((i) => i.id === 'references')
			.map((i) => i.value),
	).toEqual([
		'https://cdn.example.com/one.png',
		'el_moodboard_7',
		'https://cdn.example.com/three.png',
	]);
	const single = await remix([img('references', 'https://cdn.example.com/one.png')]);
	const one = await pollRun(api(sim), 'reference-remix', single.data.run_id);
	expect([one.outputs.length, one.charged_cost]).toEqual([1, 0.08]);
});

test('a repeated slot without allow_multiple stays an error, in the new technique as in the others', async () => {
	const r = await remix([
		img('references', 'https://cdn.example.com/one.png'),
		img('brand_element', 'el_brand_1'),
		img('brand_element', 'el_brand_2'),
	]);
	expect(r.status).toBe(400);
	expect(r.data.error.fields).toEqual([
		{ field: 'inputs[2].id', message: 'input "brand_element" is given more than once' },
	]);
	const shot = await api(sim).post('/techniques/product-shot/runs', {
		inputs: [
			textInput('prompt', 'a'),
			textInput('prompt', 'b'),
			img('product_image', 'https://cdn.example.com/p.png'),
		],
		mode: 'async',
	});
	expect(shot.data.error.fields).toEqual([
		{ field: 'inputs[1].id', message: 'input "prompt" is given more than once' },
	]);
	const none = await remix([textInput('direction', 'x')]);
	expect(none.data.error.fields).toEqual([
		{ field: 'inputs', message: 'missing required input "references" (imageUrl)' },
	]);
});

test('an el_… value is accepted where the slot accepts_element and refused elsewhere, naming inputs[i].value', async () => {
	const shot = await api(sim).post('/techniques/product-shot/runs', {
		inputs: [textInput('prompt', 'on marble'), img('product_image', 'el_bottle_42')],
		mode: 'async',
	});
	expect(shot.status).toBe(201);
	const bad = await api(sim).post('/techniques/product-shot/runs', {
		inputs: [
			textInput('prompt', 'el_prompt_1'),
			img('product_image', 'el_bottle_42'),
			img('style_reference', 'el_style_9'),
		],
		mode: 'async',
	});
	expect(bad.status).toBe(400);
	expect(bad.data.error.fields).toEqual([
		{ field: 'inputs[0].value', message: 'input "prompt" does not accept an element id (el_…)' },
		{
			field: 'inputs[2].value',
			message: 'input "style_reference" does not accept an element id (el_…)',
		},
	]);
	const bare = await remix([img('references', 'el_')]);
	expect(bare.data.error.fields).toEqual([
		{ field: 'inputs[0].value', message: 'must be an http(s) URL' },
	]);
	const text = await api(sim).post('/techniques/voiceover/runs', {
		inputs: [textInput('script', 'Say el_ and more')],
		mode: 'async',
	});
	expect(text.status).toBe(201);
});

test('the balance check asks for the run once per value: 402 when it covers fewer', async () => {
	sim.setCredits(0.2);
	const r = await remix([
		img('references', 'https://cdn.example.com/1.png'),
		img('references', 'https://cdn.example.com/2.png'),
		img('references', 'https://cdn.example.com/3.png'),
	]);
	expect([r.status, r.data.error.code]).toEqual([402, 'insufficient_credits']);
	expect(r.data.error.message).toBe('This run costs $0.24 but the workspace balance is $0.20.');
	expect(sim.runsCreated()).toBe(0);
});

test('a run create with a repeated allow_multiple slot and element ids conforms to the contract', async () => {
	sim.contractViolations.length = 0;
	const r = await remix([
		img('references', 'el_a'),
		img('references', 'el_b'),
		img('brand_element', 'el_c'),
	]);
	expect(r.status).toBe(201);
	expect(sim.contractViolations).toEqual([]);
	const v = sim.contract.responseValidator('POST /techniques/{techniqueId}/runs', 201)!;
	expect(v(r.data)).toBe(true);
});
