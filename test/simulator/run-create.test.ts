/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** Run create: input validation naming every bad field, callback_url rules, idempotency (409 / 422). */
import { startSimulator, type Simulator } from '../../simulator';
import { api, textInput } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 100 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const IMG = 'https://cdn.example.com/bottle.png';
const GOOD = {
	inputs: [textInput('prompt', 'on marble'), { id: 'product_image', type: 'imageUrl', value: IMG }],
	mode: 'async',
};

test('a body with many mistakes answers 400 input_validation_error naming each bad field', async () => {
	const r = await api(sim).post('/techniques/product-shot/runs', {
		inputs: [
			{ id: 'prompt', type: 'text', value: '   ' },
			{ id: 'product_image', type: 'text', value: IMG },
			{ id: 'style_reference', type: 'imageUrl', value: 'ftp://files.example.com/s.png' },
			{ id: 'mood', type: 'text', value: 'calm' },
			{ id: 'prompt', type: 'audioUrl', value: 'x', weight: 2 },
			'not-an-object',
		],
		mode: 'batch',
		callback_url: 'http://hooks.example.com/flora',
		webhook: true,
	});
	expect(r.status).toBe(400);
	expect(r.data.error.code).toBe('input_validation_error');
	expect(r.data.error.fields.map((f: { field: string }) => f.field)).toEqual([
		'webhook',
		'inputs[0].value',
		'inputs[1].type',
		'inputs[2].value',
		'inputs[3].id',
		'inputs[4].weight',
		'inputs[4].id',
		'inputs[4].type',
		'inputs[5]',
		'mode',
		'callback_url',
	]);
	expect(sim.runsCreated()).toBe(0);
});

test('missing required inputs, empty inputs and a missing mode are each named', async () => {
	const r = await api(sim).post('/techniques/product-shot/runs', {
		inputs: [textInput('prompt', 'x')],
	});
	expect(r.status).toBe(400);
	expect(r.data.error.fields).toEqual([
		{ field: 'inputs', message: expect.stringContaining('product_image') },
		{ field: 'mode', message: 'is required' },
	]);
	const empty = await api(sim).post('/techniques/product-shot/runs', { inputs: [], mode: 'async' });
	expect(empty.data.error.fields).toEqual([
		{ field: 'inputs', message: 'must contain at least one input' },
	]);
	const optionalLeftOut = await api(sim).post('/techniques/product-shot/runs', GOOD);
	expect(optionalLeftOut.status).toBe(201);
});

test('a body that is not JSON answers 400 invalid_json', async () => {
	const r = await api(sim).post('/techniques/product-shot/runs', '{mode: async}', {
		headers: { 'content-type': 'application/json' },
		transformRequest: [(d) => d],
	});
	expect(r.status).toBe(400);
	expect(r.data).toEqual({ error: { code: 'invalid_json', message: expect.any(String) } });
});

test('callback_url must be https to a public host, whatever callback hosts the test mode maps', async () => {
	const post = (callback_url: string) =>
		api(sim).post('/techniques/product-shot/runs', { ...GOOD, callback_url });
	for (const bad of [
		'http://127.0.0.1:9/hook',
		'https://localhost/hook',
		'https://10.0.0.5/hook',
		'https://192.168.1.2/x',
		'not a url',
	]) {
		const r = await post(bad);
		expect([bad, r.status, r.data.error.fields]).toEqual([
			bad,
			400,
			[{ field: 'callback_url', message: expect.any(String) }],
		]);
	}
	expect((await post('https://hooks.example.com/flora')).status).toBe(201);
	// The test mode changes where callbacks are delivered, never which callback URLs FLORA takes.
	sim.setCallbackHosts({ 'n8n.flora.test': 'http://127.0.0.1:9', localhost: 'http://127.0.0.1:9' });
	for (const stillBad of [
		'http://n8n.flora.test/hook',
		'http://127.0.0.1:9/hook',
		'https://localhost/hook',
	])
		expect([stillBad, (await post(stillBad)).status]).toEqual([stillBad, 400]);
	expect((await post('https://n8n.flora.test/hook')).status).toBe(201);
});

test('the same idempotency key with the same body answers 409 idempotency_duplicate; only one run exists', async () => {
	const key = 'n8n-exec-42-item-0';
	const first = await api(sim).post(
		'/techniques/product-shot/runs',
		{ ...GOOD, idempotency_key: key },
		{ headers: { 'Idempotency-Key': key } },
	);
	expect(first.status).toBe(201);
	const again = await api(sim).post(
		'/techniques/product-shot/runs',
		{ ...GOOD, idempotency_key: key },
		{ headers: { 'Idempotency-Key': key } },
	);
	expect(again.status).toBe(409);
	expect(again.data.error.code).toBe('idempotency_duplicate');
	// The key sent only in the header, or only in the body, is the same key.
	expect(
		(
			await api(sim).post('/techniques/product-shot/runs', GOOD, {
				headers: { 'Idempotency-Key': key },
			})
		).status,
	).toBe(409);
	expect(
		(await api(sim).post('/techniques/product-shot/runs', { ...GOOD, idempotency_key: key }))
			.status,
	).toBe(409);
	expect(sim.runsCreated({ idempotencyKey: key })).toBe(1);
	expect(sim.getRun(first.data.run_id)?.idempotencyKey).toBe(key);
});

test('the same idempotency key with a different body answers 422 idempotency_conflict', async () => {
	const key = 'k-conflict';
	expect(
		(await api(sim).post('/techniques/product-shot/runs', { ...GOOD, idempotency_key: key }))
			.status,
	).toBe(201);
	const changed = {
		...GOOD,
		inputs: [textInput('prompt', 'on slate'), GOOD.inputs[1]],
		idempotency_key: key,
	};
	const r = await api(sim).post('/techniques/product-shot/runs', changed);
	expect(r.status).toBe(422);
	expect(r.data.error.code).toBe('idempotency_conflict');
	const otherTechnique = await api(sim).post('/techniques/voiceover/runs', {
		inputs: [textInput('script', 'x')],
		mode: 'async',
		idempotency_key: key,
	});
	expect(otherTechnique.status).toBe(422);
	expect(sim.runsCreated()).toBe(1);
});

test('an Idempotency-Key header that differs from the body idempotency_key answers 400', async () => {
	const r = await api(sim).post(
		'/techniques/product-shot/runs',
		{ ...GOOD, idempotency_key: 'a' },
		{ headers: { 'Idempotency-Key': 'b' } },
	);
	expect(r.status).toBe(400);
	expect(r.data.error.fields).toEqual([{ field: 'idempotency_key', message: expect.any(String) }]);
	expect(sim.runsCreated()).toBe(0);
});

test('a created run answers 201 pending with an absolute poll_url on the API host', async () => {
	const r = await api(sim).post('/techniques/product-shot/runs', GOOD);
	expect(r.status).toBe(201);
	expect(r.data).toEqual({
		run_id: expect.stringMatching(/^run_[0-9a-f]+$/),
		status: 'pending',
		progress: 0,
		created_at: expect.any(Number),
		poll_url: `${sim.baseUrl}/techniques/tech_product_shot/runs/${r.data.run_id}`,
	});
	const rec = sim.getRun(r.data.run_id)!;
	expect(rec.createdAt).toBe(r.data.created_at);
	expect(rec.technique_id).toBe('tech_product_shot');
	expect(sim.runsCreated({ technique: 'product-shot' })).toBe(1);
	expect(sim.countRequests('POST /techniques/{techniqueId}/runs')).toBe(1);
});
