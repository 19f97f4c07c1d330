/** Faults and chaos on the routes beyond the technique runs: under seeded chaos every answer still matches the contract; a create dropped after handling keeps its run and its Idempotency-Key, and the chaos log names the run; explicit faults and chaos routes take the new route keys. */
import type { AxiosResponse } from 'axios';
import { Contract, startSimulator, type Simulator } from '../../simulator';
import { DOCUMENTED_EXTENSION_CODES, extendedErrorValidator } from './contractCheck';
import { api, waitFor, type Json } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 200 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const WHERE = { workspace_id: 'ws_sim_studio', project_id: 'prj_sim_default' };
const VIDEO = { type: 'video', url: 'https://cdn.example.com/clip.mp4' };
const NEW_ROUTES = [
	'GET /models',
	'POST /generate',
	'GET /generations',
	'GET /actions',
	'GET /actions/{actionId}',
	'POST /runs/action',
	'GET /projects',
	'POST /projects',
	'GET /projects/{projectId}',
	'GET /assets',
	'POST /assets/{assetId}/retry',
];

async function attempt(p: Promise<AxiosResponse>): Promise<AxiosResponse | null> {
	try {
		return await p;
	} catch {
		return null;
	}
}

test('under chaos every answer of these routes matches the contract for its status, and contractViolations stays empty', async () => {
	const owner = api(sim);
	const gen = (await owner.post('/generate', { ...WHERE, type: 'text', prompt: 'x' })).data;
	const asset = (
		await owner.post('/assets', {
			source: 'signed-url',
			workspace_id: 'ws_sim_studio',
			content_type: 'image/png',
		})
	).data;
	sim.expireUpload(asset.asset_id);
	const extendedError = extendedErrorValidator(sim);
	sim.setChaos({ seed: 77, rate: 0.5, slowMs: [0, 10] });
	const failures: string[] = [];
	let answered = 0;
	let dropped = 0;
	const send = async (p: Promise<AxiosResponse>) => {
		const r = await attempt(p);
		if (!r) return void dropped++;
		answered++;
		const rec = sim.requests.find((q) => q.requestId === r.headers['request-id']);
		if (!rec?.route) return void failures.push(`no route for ${r.config.url}`);
		if (r.status === 503 || DOCUMENTED_EXTENSION_CODES.includes(r.data?.error?.code)) {
			if (!extendedError(r.data))
				failures.push(`${rec.route} ${r.status}: ${JSON.stringify(r.data)}`);
			return;
		}
		const v = sim.contract.responseValidator(rec.route, r.status);
		if (!v) failures.push(`${rec.route}: status ${r.status} is not declared`);
		else if (!v(r.data)) failures.push(`${rec.route} ${r.status}: ${Contract.describe(v)}`);
	};
	for (let i = 0; i < 10; i++) {
		await send(owner.get('/models', { params: { type: 'image' } }));
		await send(
			owner.post(
				'/generate',
				{ ...WHERE, type: 'image', prompt: `round ${i}`, params: { num_images: 2 } },
				{ headers: { 'Idempotency-Key': `chaos-gen-${i}` } },
			),
		);
		await send(owner.get('/generations', { params: { limit: 3 } }));
		await send(owner.get('/actions'));
		await send(owner.get('/actions/stitch-videos'));
		await send(
			owner.post(
				'/runs/action',
				{ ...WHERE, action_id: 'resize-video', inputs: [VIDEO] },
				{ headers: { 'Idempotency-Key': `chaos-action-${i}` } },
			),
		);
		await send(owner.get('/projects', { params: { workspace_id: 'ws_sim_studio' } }));
		await send(owner.post('/projects', { workspace_id: 'ws_sim_studio', name: `Chaos ${i}` }));
		await send(owner.get('/projects/prj_sim_default'));
		await send(owner.get('/assets', { params: { limit: 5 } }));
		await send(owner.post(`/assets/${asset.asset_id}/retry`));
		await send(owner.get(`/runs/${gen.run_id}`));
	}
	expect(failures).toEqual([]);
	expect(sim.contractViolations).toEqual([]);
	expect(answered).toBeGreaterThan(60);
	expect(dropped).toBeGreaterThan(0);
	const routes = new Set(sim.chaosLog.map((e) => e.route));
	expect(NEW_ROUTES.filter((r) => routes.has(r)).length).toBeGreaterThanOrEqual(9);
	expect(new Set(sim.chaosLog.map((e) => e.kind)).size).toBeGreaterThanOrEqual(5);
});

test.each([
	['POST /generate', '/generate', { ...WHERE, type: 'text', prompt: 'dropped' }],
	['POST /runs/action', '/runs/action', { ...WHERE, action_id: 'resize-video', inputs: [VIDEO] }],
] as Array<[string, string, Json]>)(
	'dropAfterHandling on %s leaves the run and its Idempotency-Key: the retry gets 409, the chaos log names the run',
	async (route, path, body) => {
		sim.setChaos({ seed: 1, rate: 1, kinds: ['dropAfterHandling'], routes: [route] });
		const headers = { 'Idempotency-Key': 'dropped-key' };
		expect(await attempt(api(sim).post(path, body, { headers }))).toBeNull();
		expect(sim.runsCreated({ idempotencyKey: 'dropped-key' })).toBe(1);
		const [run] = sim.listRuns();
		expect(sim.chaosLog).toEqual([
			{
				requestId: sim.requests[0].requestId,
				route,
				kind: 'dropAfterHandling',
				at: expect.any(Number),
				runId: run.run_id,
			},
		]);
		sim.setChaos(null);
		const retry = await api(sim).post(path, body, { headers });
		expect([retry.status, retry.data.error.code]).toEqual([409, 'idempotency_duplicate']);
		await waitFor(
			async () =>
				(await api(sim).get(`/runs/${run.run_id}`)).data.status === 'completed' || undefined,
		);
	},
);

test('explicit faults take the new route keys: a drop before handling creates nothing, a delay answers late', async () => {
	sim.injectFault({ route: 'POST /generate', kind: 'drop' });
	expect(
		await attempt(api(sim).post('/generate', { ...WHERE, type: 'text', prompt: 'x' })),
	).toBeNull();
	expect(sim.runsCreated()).toBe(0);
	sim.injectFault({ route: 'GET /models', kind: 'delay', ms: 250 });
	const t0 = Date.now();
	expect((await api(sim).get('/models')).status).toBe(200);
	expect(Date.now() - t0).toBeGreaterThanOrEqual(249);
	sim.injectFault({
		route: 'POST /projects',
		kind: 'status',
		status: 503,
		code: 'service_unavailable',
	});
	const r = await api(sim).post('/projects', { workspace_id: 'ws_sim_studio', name: 'x' });
	expect([r.status, r.data.error.code]).toEqual([503, 'service_unavailable']);
	expect(() => sim.setChaos({ seed: 1, rate: 0.5, routes: NEW_ROUTES })).not.toThrow();
	sim.setChaos({ seed: 3, rate: 1, kinds: ['rate_limited'], routes: ['GET /actions'] });
	expect((await api(sim).get('/actions')).status).toBe(429);
	expect((await api(sim).get('/models')).status).toBe(200);
});
