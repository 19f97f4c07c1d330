/** Auth (both 401 codes), request ids, the error envelope, roles, credits, archived techniques and quirks. */
import axios from 'axios';
import { DEFAULT_API_KEY, VIEWER_API_KEY, startSimulator, type Simulator } from '../../simulator';
import { api, pollRun, textInput } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 500, apiKeys: ['sk_test_extra_owner'] });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const RUN = { inputs: [textInput('script', 'hello there')], mode: 'async' };

test('a missing or malformed Authorization header answers 401 unauthorized', async () => {
	for (const headers of [
		{},
		{ Authorization: 'Basic dXNlcjpwYXNz' },
		{ Authorization: 'Bearer' },
		{ Authorization: DEFAULT_API_KEY },
	]) {
		const r = await axios.get(`${sim.baseUrl}/workspaces`, { headers, validateStatus: () => true });
		expect(r.status).toBe(401);
		expect(r.data).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
	}
});

test('an unknown API key answers 401 invalid_api_key; configured extra keys are accepted', async () => {
	const r = await api(sim, 'sk_live_revoked').get('/workspaces');
	expect(r.status).toBe(401);
	expect(r.data.error.code).toBe('invalid_api_key');
	expect((await api(sim, 'sk_test_extra_owner').get('/workspaces')).status).toBe(200);
});

test('every answer, success or error, carries its own request-id header', async () => {
	const answers = [
		await api(sim).get('/workspaces'),
		await api(sim, null).get('/workspaces'),
		await api(sim).get('/techniques/nope'),
	];
	const ids = answers.map((a) => a.headers['request-id']);
	for (const id of ids) expect(id).toMatch(/^req_[0-9a-f]{24}$/);
	expect(new Set(ids).size).toBe(3);
	expect(sim.requests.map((r) => r.requestId)).toEqual(ids);
});

test('unknown paths answer 404 not_found in the error envelope', async () => {
	for (const p of ['/nothing', '/techniques/product-shot/runs/run_x/cancel']) {
		const r = await api(sim).get(p);
		expect(r.status).toBe(404);
		expect(r.data).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
	}
	const wrongMethod = await api(sim).delete('/techniques/product-shot');
	expect(wrongMethod.status).toBe(404);
	expect(sim.requests.every((r) => r.route === null)).toBe(true);
});

test('a viewer key can read but every POST answers 403 forbidden', async () => {
	const viewer = api(sim, VIEWER_API_KEY);
	expect((await viewer.get('/techniques/voiceover')).status).toBe(200);
	const ws = await viewer.get('/workspaces');
	expect(ws.data.workspaces).toEqual([
		expect.objectContaining({ workspace_id: 'ws_sim_studio', role: 'viewer' }),
	]);
	const r = await viewer.post('/techniques/voiceover/runs', RUN);
	expect(r.status).toBe(403);
	expect(r.data.error.code).toBe('forbidden');
	expect(sim.runsCreated()).toBe(0);
});

test('the owner key lists the simulator workspaces', async () => {
	const r = await api(sim).get('/workspaces');
	expect(r.data.workspaces[0]).toEqual({
		workspace_id: 'ws_sim_studio',
		name: 'Simulator Studio',
		role: 'owner',
		created_at: expect.any(Number),
	});
	expect(r.data.workspaces).toHaveLength(2);
});

test('starting a run of an archived technique answers 403 forbidden', async () => {
	const r = await api(sim).post('/techniques/archived-campaign/runs', {
		inputs: [textInput('prompt', 'x')],
		mode: 'async',
	});
	expect(r.status).toBe(403);
	expect(r.data.error.code).toBe('forbidden');
	expect((await api(sim).get('/techniques/archived-campaign')).status).toBe(200);
});

test('a balance below the run cost answers 402 insufficient_credits and creates no run', async () => {
	sim.setCredits(0.05); // voiceover costs 0.06, the critique 0.04
	const r = await api(sim).post('/techniques/voiceover/runs', RUN);
	expect(r.status).toBe(402);
	expect(r.data.error.code).toBe('insufficient_credits');
	expect(sim.runsCreated()).toBe(0);
	const ok = await api(sim).post('/techniques/art-directors-critique/runs', {
		inputs: [{ id: 'artwork', type: 'imageUrl', value: 'https://cdn.example.com/a.png' }],
		mode: 'async',
	});
	expect(ok.status).toBe(201);
});

test('credits are deducted when a run completes, and a failed run is not charged', async () => {
	sim.setCredits(1);
	sim.setRunDuration('voiceover', 100); // 0.2 s at this time scale: no run ends between the two creates
	const okRun = (await api(sim).post('/techniques/voiceover/runs', RUN)).data;
	const koRun = (
		await api(sim).post('/techniques/voiceover/runs', {
			...RUN,
			inputs: [textInput('script', '#fail:provider_error')],
		})
	).data;
	expect(sim.credits).toBe(1); // nothing is charged at create
	const done = await pollRun(api(sim), 'voiceover', okRun.run_id);
	const failed = await pollRun(api(sim), 'voiceover', koRun.run_id);
	expect(done.charged_cost).toBe(0.06);
	expect(failed.charged_cost).toBe(0);
	expect(sim.credits).toBeCloseTo(0.94, 6);
});

test('a malformed prj_ id in GET /technique-runs answers 500 unknown_error (documented quirk)', async () => {
	for (const bad of ['project_1', 'prj_', 'prj_bad id']) {
		const r = await api(sim).get('/technique-runs', { params: { project_id: bad } });
		expect(r.status).toBe(500);
		expect(r.data.error.code).toBe('unknown_error');
	}
	expect(
		(await api(sim).get('/technique-runs', { params: { project_id: 'prj_sim_default' } })).status,
	).toBe(200);
});
