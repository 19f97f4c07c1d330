/** GET /models: the model catalogue with each model's parameter schema, narrowed by ?type=. */
import { startSimulator, type Simulator } from '../../simulator';
import { api, type Json } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator();
});
afterAll(() => sim.close());

const byId = (models: Json[], id: string) => models.find((m) => m.model_id === id);

test('GET /models lists every model in the Model shape of the contract, and only public fields', async () => {
	const r = await api(sim).get('/models');
	expect(r.status).toBe(200);
	const v = sim.contract.responseValidator('GET /models', 200)!;
	expect({ valid: v(r.data), errors: v.errors }).toEqual({ valid: true, errors: null });
	const counts: Record<string, number> = {};
	for (const m of r.data.models) counts[m.type] = (counts[m.type] ?? 0) + 1;
	expect(counts).toEqual({ image: 3, video: 2, audio: 1, text: 1 });
	for (const m of r.data.models) {
		expect(Object.keys(m)).not.toContain('cost');
		expect(Number.isInteger(m.estimated_credits) && Number.isInteger(m.estimated_seconds)).toBe(
			true,
		);
		for (const p of m.params) {
			expect(p).toEqual(
				expect.objectContaining({ name: expect.any(String), required: expect.any(Boolean) }),
			);
			expect(['string', 'string[]', 'bool', 'int', 'int?', 'seed', 'float', 'dict']).toContain(
				p.type,
			);
			for (const internal of ['url', 'minItems', 'maxItems'])
				expect(p).not.toHaveProperty(internal);
		}
	}
	expect(new Set(r.data.models.map((m: Json) => m.model_id)).size).toBe(r.data.models.length);
});

test('params carry options, ranges, defaults and dict properties as the models have them', async () => {
	const { models } = (await api(sim).get('/models')).data;
	const pro = byId(models, 't2i-aurora-2-pro');
	const param = (m: Json, name: string) => m.params.find((p: Json) => p.name === name);
	expect(param(pro, 'aspect_ratio')).toMatchObject({
		type: 'string',
		required: false,
		default: '1:1',
		options: expect.arrayContaining([{ label: '16:9', value: '16:9' }]),
	});
	expect(param(pro, 'num_images')).toMatchObject({ type: 'int', min: 1, max: 4, default: 1 });
	expect(param(pro, 'seed')).toMatchObject({ type: 'seed', min: 0 });
	expect(param(pro, 'negative_prompt')).toMatchObject({ type: 'string', required: false });
	expect(param(byId(models, 'i2i-aurora-2-edit'), 'image_urls')).toMatchObject({
		type: 'string[]',
		required: true,
	});
	const t2v = byId(models, 't2v-drift-1-5');
	expect(param(t2v, 'duration')).toMatchObject({ type: 'int', min: 2, max: 10, default: 5 });
	expect(param(t2v, 'fps')).toMatchObject({ type: 'int?', default: null });
	expect(param(t2v, 'camera')).toMatchObject({
		type: 'dict',
		properties: { pan: { min: -1, max: 1, default: 0 } },
	});
	const i2v = byId(models, 'i2v-drift-1-5');
	expect([i2v.beta, param(i2v, 'image_url').required]).toEqual([true, true]);
});

test('?type= narrows the list to one type; another value answers 400 naming type', async () => {
	for (const type of ['image', 'video', 'audio', 'text']) {
		const r = await api(sim).get('/models', { params: { type } });
		expect(r.data.models.length).toBeGreaterThan(0);
		expect(r.data.models.every((m: Json) => m.type === type)).toBe(true);
	}
	const bad = await api(sim).get('/models', { params: { type: 't2i' } });
	expect(bad.status).toBe(400);
	expect(bad.data.error.fields).toEqual([
		{ field: 'type', message: 'must be one of image, video, audio, text' },
	]);
});
