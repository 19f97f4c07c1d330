/** Injected faults: an error status with retry-after, a dropped connection, a drop after handling, a delay; matching and consumption. */
import { startSimulator, type Simulator } from '../../simulator';
import { api, textInput } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 100 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const CREATE = 'POST /techniques/{techniqueId}/runs';
const RUN = {
	inputs: [textInput('script', 'fault test')],
	mode: 'async',
	idempotency_key: 'fault-key',
};

test('a status fault answers its error envelope and headers `times` times, then requests are handled again', async () => {
	sim.injectFault({
		route: CREATE,
		kind: 'status',
		status: 429,
		code: 'rate_limited',
		headers: { 'retry-after': '3', 'retry-after-ms': '3000' },
		times: 2,
	});
	const a = await api(sim).post('/techniques/voiceover/runs', RUN);
	const b = await api(sim).post('/techniques/voiceover/runs', RUN);
	const c = await api(sim).post('/techniques/voiceover/runs', RUN);
	expect([a.status, b.status, c.status]).toEqual([429, 429, 201]);
	expect(a.data).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
	expect(a.headers['retry-after']).toBe('3');
	expect(a.headers['retry-after-ms']).toBe('3000');
	expect(a.headers['request-id']).toMatch(/^req_/);
	expect(sim.runsCreated()).toBe(1);
});

test('a fault on one route leaves other routes alone; a fault without a route hits the next request', async () => {
	sim.injectFault({ route: CREATE, kind: 'status', status: 503, code: 'service_unavailable' });
	expect((await api(sim).get('/workspaces')).status).toBe(200);
	expect((await api(sim).post('/techniques/voiceover/runs', RUN)).status).toBe(503);
	sim.injectFault({ kind: 'status', status: 500, code: 'internal_error' });
	expect((await api(sim).get('/workspaces')).status).toBe(500);
	expect((await api(sim).get('/workspaces')).status).toBe(200);
	expect(() => sim.injectFault({ route: 'GET /nope', kind: 'drop' })).toThrow(/unknown route/);
});

test('a drop fault destroys the socket before handling: no answer, no run', async () => {
	sim.injectFault({ route: CREATE, kind: 'drop' });
	await expect(api(sim).post('/techniques/voiceover/runs', RUN)).rejects.toMatchObject({
		code: expect.stringMatching(/ECONNRESET|ERR_BAD_RESPONSE|ECONNABORTED/),
	});
	expect(sim.runsCreated()).toBe(0);
	expect(sim.requests[0].status).toBeUndefined();
	expect((await api(sim).post('/techniques/voiceover/runs', RUN)).status).toBe(201);
});

test('dropAfterHandling creates the run and stores the idempotency key, then drops: the retry gets 409', async () => {
	sim.injectFault({ route: CREATE, kind: 'dropAfterHandling' });
	await expect(api(sim).post('/techniques/voiceover/runs', RUN)).rejects.toBeTruthy();
	expect(sim.runsCreated({ idempotencyKey: 'fault-key' })).toBe(1);
	const retry = await api(sim).post('/techniques/voiceover/runs', RUN);
	expect(retry.status).toBe(409);
	expect(retry.data.error.code).toBe('idempotency_duplicate');
	expect(sim.runsCreated()).toBe(1);
});

test('a delay fault answers normally after the delay (recorded timestamps)', async () => {
	sim.injectFault({ route: 'GET /workspaces', kind: 'delay', ms: 300 });
	const r = await api(sim).get('/workspaces');
	expect(r.status).toBe(200);
	const rec = sim.requests[0];
	expect(rec.answeredAt! - rec.receivedAt).toBeGreaterThanOrEqual(299);
	await api(sim).get('/workspaces');
	const plain = sim.requests[1];
	expect(plain.answeredAt! - plain.receivedAt).toBeLessThan(300);
});

test('faults are consumed in the order they were injected', async () => {
	sim.injectFault({ kind: 'status', status: 500, code: 'unknown_error' });
	sim.injectFault({ kind: 'status', status: 503, code: 'service_unavailable' });
	const codes = [];
	for (let i = 0; i < 3; i++) codes.push((await api(sim).get('/workspaces')).status);
	expect(codes).toEqual([500, 503, 200]);
	expect(sim.countRequests('GET /workspaces')).toBe(3);
});
