/** GET /runs/{runId}: any run by id alone, the same body as the nested technique read; 400 for a malformed id, 404 for an unknown one, auth and faults like every route. */
import { VIEWER_API_KEY, startSimulator, type Simulator } from '../../simulator';
import { api, pollRun, textInput } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 200 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

async function start(technique: string, input: string, value: string): Promise<string> {
	const r = await api(sim).post(`/techniques/${technique}/runs`, {
		inputs: [textInput(input, value)],
		mode: 'async',
	});
	expect(r.status).toBe(201);
	return r.data.run_id;
}

test('GET /runs/{runId} answers the same JSON as the nested technique read for a completed run, text outputs included', async () => {
	const runId = await start('every-output-type', 'prompt', 'a teapot');
	const nested = await pollRun(api(sim), 'every-output-type', runId);
	const byId = await api(sim).get(`/runs/${runId}`);
	expect(byId.status).toBe(200);
	expect(byId.data).toEqual(nested);
	expect(byId.data.outputs.map((o: { type: string }) => o.type)).toContain('text');
	const text = byId.data.outputs.find((o: { type: string }) => o.type === 'text');
	expect(text.url).toBe('Every Output Type: a teapot');
	const v = sim.contract.responseValidator('GET /runs/{runId}', 200)!;
	expect({ valid: v(byId.data), errors: v.errors }).toEqual({ valid: true, errors: null });
});

test('GET /runs/{runId} answers the same JSON as the nested read for a failed run and for a pending one', async () => {
	const failed = await start('voiceover', 'script', 'x #fail:safety_blocked');
	const nested = await pollRun(api(sim), 'voiceover', failed);
	expect(nested.status).toBe('failed');
	expect((await api(sim).get(`/runs/${failed}`)).data).toEqual(nested);

	sim.setTimeScale(0.001); // the next run stays pending while it is read
	const pending = await start('voiceover', 'script', 'slow');
	const a = await api(sim).get(`/runs/${pending}`);
	const b = await api(sim).get(`/techniques/voiceover/runs/${pending}`);
	expect(a.data.status).toBe('pending');
	expect(a.data).toEqual(b.data);
});

test('poll_url in a GET /runs/{runId} answer stays the nested technique URL', async () => {
	const runId = await start('voiceover', 'script', 'hi');
	const r = await api(sim).get(`/runs/${runId}`);
	expect(r.data.poll_url).toBe(`${sim.baseUrl}/techniques/tech_voiceover/runs/${runId}`);
});

test('GET /runs/{runId} answers 404 not_found for an unknown run id', async () => {
	const r = await api(sim).get('/runs/run_does_not_exist');
	expect(r.status).toBe(404);
	expect(r.data).toEqual({
		error: { code: 'not_found', message: 'Run "run_does_not_exist" was not found.' },
	});
});

test('GET /runs/{runId} answers 400 input_validation_error naming runId for an id that is not run_…', async () => {
	for (const id of ['asset_123', 'RUN_abc', 'run_', 'run_%20x']) {
		const r = await api(sim).get(`/runs/${id}`);
		expect({ id, status: r.status }).toEqual({ id, status: 400 });
		expect(r.data.error).toEqual({
			code: 'input_validation_error',
			message: expect.stringContaining('runId'),
			fields: [{ field: 'runId', message: 'must be a run id (run_…)' }],
		});
	}
	// Like the other malformed ids in a query (workspace_id), the request breaks the spec's pattern.
	expect(sim.contractViolations.join('\n')).toMatch(/GET \/runs\/\{runId\}.*path parameters/);
});

test('GET /runs/{runId} needs a bearer key like every route; a viewer key may read', async () => {
	const runId = await start('voiceover', 'script', 'hi');
	const anon = await api(sim, null).get(`/runs/${runId}`);
	expect([anon.status, anon.data.error.code]).toEqual([401, 'unauthorized']);
	const bad = await api(sim, 'sk_live_revoked').get(`/runs/${runId}`);
	expect([bad.status, bad.data.error.code]).toEqual([401, 'invalid_api_key']);
	// Auth comes before the id check, as on every route.
	expect((await api(sim, null).get('/runs/not-a-run')).status).toBe(401);
	const viewer = await api(sim, VIEWER_API_KEY).get(`/runs/${runId}`);
	expect([viewer.status, viewer.data.run_id]).toEqual([200, runId]);
});

test("faults apply to GET /runs/{runId} by its route key 'GET /runs/{runId}'", async () => {
	const runId = await start('voiceover', 'script', 'hi');
	sim.injectFault({
		route: 'GET /runs/{runId}',
		kind: 'status',
		status: 429,
		code: 'rate_limited',
		headers: { 'retry-after': '2' },
	});
	expect((await api(sim).get(`/techniques/voiceover/runs/${runId}`)).status).toBe(200);
	const limited = await api(sim).get(`/runs/${runId}`);
	expect([limited.status, limited.headers['retry-after']]).toEqual([429, '2']);
	expect((await api(sim).get(`/runs/${runId}`)).status).toBe(200);
	expect(sim.countRequests('GET /runs/{runId}')).toBe(2);
});
