/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** The per-workspace rate limit: off by default; a token bucket answering 429 rate_limited with retry-after; per workspace; on the control surface. */
import axios from 'axios';

import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../../simulator';
import { api } from './helpers';

const OTHER_KEY = 'sk_test_other_workspace';
let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 100, apiKeys: [OTHER_KEY] });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const statuses = async (key: string, n: number) => {
	const answers = await Promise.all(
		Array.from({ length: n }, async () => await api(sim, key).get('/workspaces')),
	);
	return answers;
};

test('off by default: a burst of requests is answered', async () => {
	const answers = await statuses(DEFAULT_API_KEY, 30);
	expect(answers.every((a) => a.status === 200)).toBe(true);
});

test('a burst beyond the bucket is answered 429 rate_limited with retry-after, then tokens come back at the rate', async () => {
	sim.setRateLimit({ requestsPerSecond: 5, burst: 3 });
	const answers = await statuses(DEFAULT_API_KEY, 5);
	const refused = answers.filter((a) => a.status === 429);
	expect(answers.filter((a) => a.status === 200)).toHaveLength(3);
	expect(refused).toHaveLength(2);
	expect(refused[0].data).toEqual({
		error: { code: 'rate_limited', message: expect.any(String) },
	});
	expect(Number(refused[0].headers['retry-after'])).toBeGreaterThanOrEqual(1);
	expect(sim.requests.filter((r) => r.rateLimited)).toHaveLength(2);
	expect((sim.state().counters as { rateLimited: number }).rateLimited).toBe(2);
	await new Promise((resolve) => setTimeout(resolve, 450));
	expect((await statuses(DEFAULT_API_KEY, 2)).map((a) => a.status)).toEqual([200, 200]);
	expect((await api(sim).get('/workspaces')).status).toBe(429);
});

test('a refused run create starts no run', async () => {
	sim.setRateLimit({ requestsPerSecond: 1, burst: 1 });
	expect((await api(sim).get('/workspaces')).status).toBe(200);
	const create = await api(sim).post(
		'/techniques/voiceover/runs',
		{ inputs: [{ id: 'script', type: 'text', value: 'x' }], mode: 'async' },
		{ headers: { 'Idempotency-Key': 'rl-1' } },
	);
	expect(create.status).toBe(429);
	expect(sim.runsCreated()).toBe(0);
});

test('each workspace has its own bucket, shared by its keys', async () => {
	sim.setRateLimit({
		requestsPerSecond: 1,
		burst: 2,
		keyWorkspaces: { [OTHER_KEY]: 'ws_sim_agency' },
	});
	expect((await statuses(DEFAULT_API_KEY, 3)).map((a) => a.status).sort()).toEqual([200, 200, 429]);
	expect((await statuses(OTHER_KEY, 2)).map((a) => a.status)).toEqual([200, 200]);
});

test('the control surface sets and clears it; reset() turns it off', async () => {
	const control = axios.create({ baseURL: sim.baseUrl.replace(/\/api\/v1$/, '') });
	const set = await control.post('/_simulator/rate-limit', { requestsPerSecond: 2, burst: 1 });
	expect(set.data.rateLimit).toMatchObject({ requestsPerSecond: 2, burst: 1 });
	expect(sim.state().rateLimit).toMatchObject({ requestsPerSecond: 2, burst: 1 });
	expect((await statuses(DEFAULT_API_KEY, 2)).map((a) => a.status).sort()).toEqual([200, 429]);
	await control.delete('/_simulator/rate-limit');
	expect((await statuses(DEFAULT_API_KEY, 5)).every((a) => a.status === 200)).toBe(true);
	sim.setRateLimit({ requestsPerSecond: 1, burst: 1 });
	sim.reset();
	expect(sim.state().rateLimit).toBeNull();
	expect((await statuses(DEFAULT_API_KEY, 3)).every((a) => a.status === 200)).toBe(true);
	await expect(
		control.post('/_simulator/rate-limit', { requestsPerSecond: 0, burst: 1 }),
	).rejects.toMatchObject({ response: { status: 400 } });
});
