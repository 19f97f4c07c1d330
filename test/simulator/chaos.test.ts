/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** Seeded random faults ("chaos"): deterministic per seed and request sequence, the rate, every kind and its effect, routes, precedence, control routes and reset. */
import * as http from 'node:http';
import axios, { type AxiosResponse } from 'axios';
import {
	DEFAULT_API_KEY,
	MEDIA_ROUTE,
	mulberry32,
	startSimulator,
	type ChaosKind,
	type ChaosSpec,
	type Simulator,
} from '../../simulator';
import { api, pollRun, textInput, type Json } from './helpers';

let sim: Simulator;
let control: string;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 100 });
	control = sim.baseUrl.replace(/\/api\/v1$/, '/_simulator');
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const CREATE = 'POST /techniques/{techniqueId}/runs';
const STATUS_KINDS: ChaosKind[] = ['rate_limited', 'internal_error', 'service_unavailable'];
const RUN = { inputs: [textInput('script', 'chaos')], mode: 'async' };

/** The answer, or the transport error's code when the connection was dropped. */
async function attempt(p: Promise<AxiosResponse>): Promise<AxiosResponse | { dropped: string }> {
	try {
		return await p;
	} catch (e) {
		return { dropped: String((e as { code?: string }).code ?? e) };
	}
}

/** Send `n` GET /workspaces one after another; answers the chaos kind each request got (null for none). */
async function workspaceSequence(spec: ChaosSpec, n: number): Promise<Array<ChaosKind | null>> {
	sim.reset();
	sim.setChaos(spec);
	for (let i = 0; i < n; i++) await attempt(api(sim).get('/workspaces'));
	expect(sim.requests).toHaveLength(n);
	return sim.requests.map((r) => r.chaos ?? null);
}

/**
 * A streamed run create over raw HTTP: the events and whether the stream ended or was cut
 * (status 0: cut before anything was sent, as an explicit cutStream with afterEvents 0).
 */
function streamCreate(): Promise<{ status: number; events: Json[]; ended: 'end' | 'error' }> {
	return new Promise((resolve) => {
		const req = http.request(
			new URL(`${sim.baseUrl}/techniques/voiceover/runs`),
			{
				method: 'POST',
				headers: { Authorization: `Bearer ${DEFAULT_API_KEY}`, 'content-type': 'application/json' },
			},
			(res) => {
				let text = '';
				let settled = false;
				const done = (ended: 'end' | 'error') => {
					if (settled) return;
					settled = true;
					resolve({
						status: res.statusCode!,
						events: text
							.split('\n\n')
							.filter((e) => e.startsWith('data: '))
							.map((e) => JSON.parse(e.slice(6))),
						ended,
					});
				};
				res.setEncoding('utf8');
				res.on('data', (c) => (text += c));
				res.on('end', () => done('end'));
				res.on('error', () => done('error'));
				res.on('aborted', () => done('error'));
			},
		);
		req.on('error', () => resolve({ status: 0, events: [], ended: 'error' }));
		req.end(
			JSON.stringify({ inputs: [textInput('script', 'streaming #duration:20')], mode: 'stream' }),
		);
	});
}

/** GET a media URL over raw HTTP, counting the bytes that arrive. */
function mediaGet(
	url: string,
): Promise<{ status?: number; length?: number; received: number; ended: 'end' | 'error' }> {
	return new Promise((resolve) => {
		let received = 0;
		let settled = false;
		let status: number | undefined;
		let length: number | undefined;
		const done = (ended: 'end' | 'error') => {
			if (settled) return;
			settled = true;
			resolve({ status, length, received, ended });
		};
		const req = http.get(url, { agent: false }, (res) => {
			status = res.statusCode;
			length = res.headers['content-length'] ? Number(res.headers['content-length']) : undefined;
			res.on('data', (c: Buffer) => (received += c.length));
			res.on('end', () => done(res.complete ? 'end' : 'error'));
			res.on('error', () => done('error'));
			res.on('aborted', () => done('error'));
		});
		req.on('error', () => done('error'));
	});
}

/** A completed every-output-type run's media output URLs (made with chaos off). */
async function mediaUrls(): Promise<string[]> {
	const r = await api(sim).post('/techniques/every-output-type/runs', {
		inputs: [textInput('prompt', 'a teapot')],
		mode: 'async',
	});
	const done = await pollRun(api(sim), 'every-output-type', r.data.run_id);
	return done.outputs.filter((o: Json) => o.type !== 'text').map((o: Json) => o.url);
}

test('mulberry32 is a deterministic PRNG in [0, 1)', () => {
	const a = mulberry32(42);
	const b = mulberry32(42);
	const xs = Array.from({ length: 1000 }, () => a());
	expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
	expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
	expect(new Set(xs).size).toBeGreaterThan(990);
	const c = mulberry32(43);
	expect(Array.from({ length: 10 }, () => c())).not.toEqual(xs.slice(0, 10));
	const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
	expect(mean).toBeGreaterThan(0.45);
	expect(mean).toBeLessThan(0.55);
});

test('the same seed gives the same fault sequence for the same request sequence', async () => {
	const spec: ChaosSpec = { seed: 1234, rate: 0.5, slowMs: [1, 5] };
	const first = await workspaceSequence(spec, 80);
	const firstLog = sim.chaosLog.map((e) => e.kind);
	const second = await workspaceSequence(spec, 80);
	expect(second).toEqual(first);
	expect(sim.chaosLog.map((e) => e.kind)).toEqual(firstLog);
	// Not a trivial sequence: some requests get faults, others not, of several kinds.
	expect(first.filter((k) => k === null).length).toBeGreaterThan(10);
	expect(new Set(first.filter((k) => k !== null)).size).toBeGreaterThanOrEqual(4);
	expect(firstLog).toEqual(first.filter((k) => k !== null));
});

test('a different seed gives a different fault sequence', async () => {
	const a = await workspaceSequence({ seed: 1, rate: 0.5, kinds: STATUS_KINDS }, 60);
	const b = await workspaceSequence({ seed: 2, rate: 0.5, kinds: STATUS_KINDS }, 60);
	expect(b).not.toEqual(a);
});

test('the rate is roughly honoured over 400 requests; rate 0 gives none, rate 1 gives every request a fault', async () => {
	const seq = await workspaceSequence({ seed: 7, rate: 0.3, kinds: STATUS_KINDS }, 400);
	const share = seq.filter((k) => k !== null).length / seq.length;
	expect(share).toBeGreaterThan(0.2);
	expect(share).toBeLessThan(0.4);
	expect(sim.chaosLog).toHaveLength(seq.filter((k) => k !== null).length);
	expect(
		(await workspaceSequence({ seed: 7, rate: 0, kinds: STATUS_KINDS }, 30)).every(
			(k) => k === null,
		),
	).toBe(true);
	expect(
		(await workspaceSequence({ seed: 7, rate: 1, kinds: STATUS_KINDS }, 30)).every(
			(k) => k !== null,
		),
	).toBe(true);
});

test('rate_limited answers 429 rate_limited with retry-after (retryAfterSeconds, default 1) in the error envelope', async () => {
	sim.setChaos({ seed: 1, rate: 1, kinds: ['rate_limited'] });
	const a = await api(sim).get('/workspaces');
	expect(a.status).toBe(429);
	expect(a.headers['retry-after']).toBe('1');
	expect(a.data).toEqual({ error: { code: 'rate_limited', message: expect.any(String) } });
	const v = sim.contract.responseValidator('GET /workspaces', 429)!;
	expect(v(a.data)).toBe(true);
	sim.setChaos({ seed: 1, rate: 1, kinds: ['rate_limited'], retryAfterSeconds: 7 });
	const b = await api(sim).post('/techniques/voiceover/runs', RUN);
	expect([b.status, b.headers['retry-after']]).toEqual([429, '7']);
	expect(sim.runsCreated()).toBe(0);
	expect(sim.requests.map((r) => r.chaos)).toEqual(['rate_limited', 'rate_limited']);
});

test('internal_error answers 500 unknown_error and service_unavailable 503 service_unavailable, before handling', async () => {
	sim.setChaos({ seed: 1, rate: 1, kinds: ['internal_error'] });
	const a = await api(sim).post('/techniques/voiceover/runs', RUN);
	expect(a.status).toBe(500);
	expect(a.data).toEqual({ error: { code: 'unknown_error', message: expect.any(String) } });
	expect(sim.contract.responseValidator(CREATE, 500)!(a.data)).toBe(true);
	sim.setChaos({ seed: 1, rate: 1, kinds: ['service_unavailable'] });
	const b = await api(sim).post('/techniques/voiceover/runs', RUN);
	expect(b.status).toBe(503);
	expect(b.data).toEqual({ error: { code: 'service_unavailable', message: expect.any(String) } });
	expect(sim.runsCreated()).toBe(0);
	expect(b.headers['request-id']).toBe(sim.chaosLog[1].requestId);
});

test('drop destroys the connection before handling: no answer, no run', async () => {
	sim.setChaos({ seed: 1, rate: 1, kinds: ['drop'] });
	const r = await attempt(api(sim).post('/techniques/voiceover/runs', RUN));
	expect(r).toEqual({ dropped: expect.stringMatching(/ECONNRESET|ERR_BAD_RESPONSE|ECONNABORTED/) });
	expect(sim.runsCreated()).toBe(0);
	expect(sim.requests[0].chaos).toBe('drop');
	expect(sim.requests[0].status).toBeUndefined();
	expect(sim.chaosLog).toEqual([
		{ requestId: sim.requests[0].requestId, route: CREATE, kind: 'drop', at: expect.any(Number) },
	]);
});

test('dropAfterHandling on a run create leaves the created run and its idempotency key: the retry gets 409', async () => {
	sim.setChaos({ seed: 1, rate: 1, kinds: ['dropAfterHandling'] });
	const keyed = { ...RUN, idempotency_key: 'chaos-key' };
	const r = await attempt(api(sim).post('/techniques/voiceover/runs', keyed));
	expect(r).toHaveProperty('dropped');
	expect(sim.runsCreated({ idempotencyKey: 'chaos-key' })).toBe(1);
	const run = sim.listRuns()[0];
	expect(sim.chaosLog).toEqual([
		{
			requestId: sim.requests[0].requestId,
			route: CREATE,
			kind: 'dropAfterHandling',
			at: expect.any(Number),
			runId: run.run_id,
		},
	]);
	sim.setChaos(null);
	const retry = await api(sim).post('/techniques/voiceover/runs', keyed);
	expect([retry.status, retry.data.error.code]).toEqual([409, 'idempotency_duplicate']);
	expect(sim.runsCreated()).toBe(1);
	expect((await pollRun(api(sim), 'voiceover', run.run_id)).status).toBe('completed');
});

test('slow delays the answer by a time within slowMs, after handling (a create logs its run)', async () => {
	sim.setChaos({ seed: 5, rate: 1, kinds: ['slow'], slowMs: [300, 400] });
	const t0 = Date.now();
	const r = await api(sim).get('/workspaces');
	const took = Date.now() - t0;
	expect(r.status).toBe(200);
	expect(took).toBeGreaterThanOrEqual(299);
	const rec = sim.requests[0];
	expect(rec.chaos).toBe('slow');
	expect(rec.answeredAt! - rec.receivedAt).toBeGreaterThanOrEqual(299);
	expect(rec.answeredAt! - rec.receivedAt).toBeLessThan(1500);
	const created = await api(sim).post('/techniques/voiceover/runs', RUN);
	expect(created.status).toBe(201);
	expect(sim.chaosLog[1]).toMatchObject({
		kind: 'slow',
		route: CREATE,
		runId: created.data.run_id,
	});
	sim.setChaos(null);
	await api(sim).get('/workspaces');
	const plain = sim.requests[2];
	expect(plain.chaos).toBeUndefined();
	expect(plain.answeredAt! - plain.receivedAt).toBeLessThan(300);
});

test('cutStream cuts a streamed run create after the drawn number of events (0..3); it never hits an async create', async () => {
	sim.setTimeScale(10);
	sim.setChaos({ seed: 4, rate: 1, kinds: ['cutStream'] });
	const plain = await api(sim).post('/techniques/voiceover/runs', RUN);
	expect(plain.status).toBe(201);
	expect(sim.requests[0].chaos).toBeUndefined();

	const seeds = [4, 2, 1, 7]; // these seeds draw 0, 1, 2 and 3 events
	const drawn = new Set<number>();
	for (const seed of seeds) {
		sim.setChaos({ seed, rate: 1, kinds: ['cutStream'] });
		const r = mulberry32(seed);
		r();
		r();
		const afterEvents = Math.floor(r() * 4); // the third draw of the first covered request
		const before = sim.chaosLog.length;
		drawn.add(afterEvents);
		const s = await streamCreate();
		expect(s.status).toBe(afterEvents === 0 ? 0 : 200);
		expect(s.ended).toBe('error');
		expect(s.events).toHaveLength(afterEvents);
		const entry = sim.chaosLog[before];
		expect(entry).toMatchObject({ kind: 'cutStream', route: CREATE, runId: expect.any(String) });
		expect(sim.getRun(entry.runId!)).toBeDefined();
	}
	expect(sim.chaosLog).toHaveLength(seeds.length);
	expect([...drawn].sort()).toEqual([0, 1, 2, 3]);
});

test('on the media host: cutBody delivers fewer bytes than content-length, then the connection ends', async () => {
	const urls = await mediaUrls();
	sim.setChaos({ seed: 11, rate: 1, kinds: ['cutBody'] });
	for (const url of urls) {
		const g = await mediaGet(url);
		expect(g.status).toBe(200);
		expect(g.ended).toBe('error');
		expect(g.received).toBeGreaterThan(0);
		expect(g.received).toBeLessThan(g.length!);
		expect(g.received).toBeGreaterThanOrEqual(Math.floor(g.length! * 0.1));
		expect(g.received).toBeLessThanOrEqual(Math.ceil(g.length! * 0.9));
	}
	expect(sim.chaosLog.map((e) => [e.route, e.kind])).toEqual(
		urls.map(() => [MEDIA_ROUTE, 'cutBody']),
	);
	expect(sim.mediaRequests.every((m) => m.chaos === 'cutBody')).toBe(true);
	sim.setChaos(null);
	const whole = await mediaGet(urls[0]);
	expect([whole.ended, whole.received]).toEqual(['end', whole.length]);
});

test('on the media host: 500 and 503, drop, and slow (a delay before the answer)', async () => {
	const [url] = await mediaUrls();
	sim.setChaos({ seed: 1, rate: 1, kinds: ['internal_error'] });
	expect((await axios.get(url, { validateStatus: () => true })).status).toBe(500);
	sim.setChaos({ seed: 1, rate: 1, kinds: ['service_unavailable'] });
	expect((await axios.get(url, { validateStatus: () => true })).status).toBe(503);
	sim.setChaos({ seed: 1, rate: 1, kinds: ['drop'] });
	expect(await attempt(axios.get(url))).toHaveProperty('dropped');
	sim.setChaos({ seed: 1, rate: 1, kinds: ['slow'], slowMs: [300, 350] });
	const t0 = Date.now();
	const slow = await mediaGet(url);
	expect(Date.now() - t0).toBeGreaterThanOrEqual(299);
	expect([slow.status, slow.ended, slow.received]).toEqual([200, 'end', slow.length]);
	expect(sim.chaosLog.map((e) => e.kind)).toEqual([
		'internal_error',
		'service_unavailable',
		'drop',
		'slow',
	]);
	// API-only kinds never reach the media host.
	sim.setChaos({ seed: 1, rate: 1, kinds: ['rate_limited', 'dropAfterHandling', 'cutStream'] });
	expect((await mediaGet(url)).status).toBe(200);
	expect(sim.chaosLog).toHaveLength(4);
});

test('control routes never get faults, and chaos can be driven over HTTP', async () => {
	expect(
		(await axios.post(`${control}/chaos`, { seed: 3, rate: 1, slowMs: [1, 2] })).data,
	).toMatchObject({ ok: true, chaos: { seed: 3, rate: 1, retryAfterSeconds: 1, slowMs: [1, 2] } });
	for (let i = 0; i < 20; i++) {
		expect((await axios.get(`${control}/state`)).status).toBe(200);
		expect((await axios.get(`${control}/requests`)).status).toBe(200);
		expect((await axios.post(`${control}/config`, { credits: 1000 })).status).toBe(200);
	}
	expect(sim.chaosLog).toEqual([]);
	const r = await attempt(api(sim).get('/workspaces'));
	const state = (await axios.get(`${control}/state`)).data;
	expect(state.chaos).toMatchObject({ seed: 3, rate: 1 });
	expect(state.chaosLog).toHaveLength(1);
	expect(state.chaosLog[0]).toMatchObject({ route: 'GET /workspaces' });
	expect(r).toBeDefined();
	expect((await axios.delete(`${control}/chaos`)).data).toEqual({ ok: true, chaos: null });
	expect((await api(sim).get('/workspaces')).status).toBe(200);
	expect((await axios.get(`${control}/state`)).data.chaos).toBeNull();
	const bad = await axios.post(
		`${control}/chaos`,
		{ seed: 1, rate: 3 },
		{ validateStatus: () => true },
	);
	expect(bad.status).toBe(400);
	expect(bad.data.error).toMatch(/rate/);
});

test('routes restricts faults to the given route keys', async () => {
	const [url] = await mediaUrls();
	sim.setChaos({ seed: 8, rate: 1, kinds: STATUS_KINDS, routes: ['GET /workspaces'] });
	for (let i = 0; i < 5; i++) {
		expect((await api(sim).get('/workspaces')).status).toBeGreaterThanOrEqual(429);
		expect((await api(sim).get('/techniques')).status).toBe(200);
	}
	expect((await mediaGet(url)).status).toBe(200);
	expect(new Set(sim.chaosLog.map((e) => e.route))).toEqual(new Set(['GET /workspaces']));
	expect(sim.chaosLog).toHaveLength(5);

	sim.setChaos({ seed: 8, rate: 1, kinds: ['internal_error'], routes: [MEDIA_ROUTE] });
	expect((await api(sim).get('/workspaces')).status).toBe(200);
	expect((await mediaGet(url)).status).toBe(500);
});

test('an explicit injected fault takes precedence over chaos for its request', async () => {
	sim.setChaos({ seed: 1, rate: 1, kinds: ['internal_error'] });
	sim.injectFault({
		route: 'GET /workspaces',
		kind: 'status',
		status: 429,
		code: 'rate_limited',
		headers: { 'retry-after': '4' },
	});
	const a = await api(sim).get('/workspaces');
	const b = await api(sim).get('/workspaces');
	expect([a.status, a.headers['retry-after'], b.status]).toEqual([429, '4', 500]);
	expect(sim.requests.map((r) => r.chaos)).toEqual([undefined, 'internal_error']);
	expect(sim.chaosLog).toHaveLength(1);
});

test('reset() turns chaos off and clears the chaos log', async () => {
	sim.setChaos({ seed: 1, rate: 1, kinds: STATUS_KINDS });
	expect((await api(sim).get('/workspaces')).status).toBeGreaterThanOrEqual(429);
	expect(sim.chaosLog).toHaveLength(1);
	sim.reset();
	expect(sim.chaosLog).toEqual([]);
	expect(sim.state().chaos).toBeNull();
	for (let i = 0; i < 10; i++) expect((await api(sim).get('/workspaces')).status).toBe(200);
	expect(sim.chaosLog).toEqual([]);
});

test('setChaos rejects a malformed spec', () => {
	const bad: Array<[unknown, RegExp]> = [
		[{ rate: 0.5 }, /seed/],
		[{ seed: 1, rate: 1.5 }, /rate/],
		[{ seed: 1, rate: 0.5, kinds: ['teapot'] }, /unknown kind/],
		[{ seed: 1, rate: 0.5, kinds: [] }, /kinds/],
		[{ seed: 1, rate: 0.5, routes: ['GET /nope'] }, /unknown route/],
		[{ seed: 1, rate: 0.5, slowMs: [500, 100] }, /slowMs/],
		[{ seed: 1, rate: 0.5, retryAfterSeconds: -1 }, /retryAfterSeconds/],
	];
	for (const [spec, msg] of bad) expect(() => sim.setChaos(spec as ChaosSpec)).toThrow(msg);
	expect(() =>
		sim.setChaos({ seed: 1, rate: 0.5, routes: ['GET /runs/{runId}', MEDIA_ROUTE] }),
	).not.toThrow();
});
