/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** Webhooks: signed with the secret (verifiable), headers mirror the body, retries on non-2xx at 10 s / 1 min / 5 min (scaled), 4 attempts at most. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { DEFAULT_WEBHOOK_SECRET, startSimulator, type Simulator } from '../../simulator';
import { api, textInput, waitFor } from './helpers';
import { LOOPBACK_CALLBACKS, N8N_PUBLIC_HOST } from '../harness/publicHost';

const SCALE = 1000; // retry delays 10 ms, 60 ms, 300 ms
let sim: Simulator;
let server: Server;
let base: string;
let answers: number[] = [];
let got: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
	sim = await startSimulator({ timeScale: SCALE, callbackHosts: LOOPBACK_CALLBACKS });
	server = createServer((req, res) => {
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			got.push({ path: req.url!, headers: req.headers, body });
			if (req.url === '/redirect') return void res.writeHead(302, { location: '/target' }).end();
			res.writeHead(answers.shift() ?? 200).end();
		});
	});
	await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
	base = `https://${N8N_PUBLIC_HOST}:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await sim.close();
	await new Promise((r) => server.close(r));
});
beforeEach(() => {
	sim.reset();
	answers = [];
	got = [];
});

function verify(header: string, raw: string, secret: string): { t: number; ok: boolean } {
	const parts = header.split(',').map((p) => p.split('='));
	const t = Number(parts.find(([k]) => k === 't')![1]);
	const expected = createHmac('sha256', secret).update(`${t}.${raw}`).digest();
	const ok = parts
		.filter(([k]) => k === 'v1')
		.some(([, v]) => timingSafeEqual(Buffer.from(v, 'hex'), expected));
	return { t, ok };
}

async function runWithCallback(path: string, script = 'hello') {
	const r = await api(sim).post('/techniques/voiceover/runs', {
		inputs: [textInput('script', `${script} #duration:1`)],
		mode: 'async',
		callback_url: `${base}${path}`,
	});
	expect(r.status).toBe(201);
	return r.data.run_id as string;
}

test('a completed run POSTs a signed run.completed event that verifies with the webhook secret', async () => {
	const runId = await runWithCallback('/hook');
	await waitFor(() => got.length === 1 || undefined);
	const { headers, body } = got[0];
	const event = JSON.parse(body);
	expect(event).toEqual({
		id: expect.stringMatching(/^whd_/),
		type: 'run.completed',
		api_version: '2026-06-11',
		created_at: expect.any(Number),
		data: {
			run_id: runId,
			run_type: 'technique',
			workspace_id: 'ws_sim_studio',
			status: 'completed',
		},
	});
	expect(headers['content-type']).toBe('application/json');
	expect(headers['flora-webhook-id']).toBe(event.id);
	expect(headers['flora-event']).toBe('run.completed');
	const { t, ok } = verify(String(headers['flora-signature']), body, DEFAULT_WEBHOOK_SECRET);
	expect(ok).toBe(true);
	expect(Math.abs(t - Math.floor(event.created_at / 1000))).toBeLessThanOrEqual(1);
	expect(verify(String(headers['flora-signature']), body, 'whsec_wrong').ok).toBe(false);
	expect(
		verify(
			String(headers['flora-signature']),
			body.replace('completed', 'failed'),
			DEFAULT_WEBHOOK_SECRET,
		).ok,
	).toBe(false);
	// The run is already terminal when the webhook arrives.
	expect(sim.getRun(runId)!.endedAt!).toBeLessThanOrEqual(sim.webhookDeliveries[0].attemptedAt);
	// The receiver has the body before the simulator has read the answer's status.
	await waitFor(() => sim.webhookDeliveries[0].status ?? undefined);
	expect(sim.webhookDeliveries[0]).toMatchObject({
		attempt: 1,
		status: 200,
		body,
		url: `${base}/hook`,
		runId,
	});
	// Test mode: the https callback went to the mapped loopback port, as through a reverse proxy.
	const port = (server.address() as AddressInfo).port;
	expect(sim.webhookDeliveries[0].deliveredTo).toBe(`http://127.0.0.1:${port}/hook`);
	expect(headers.host).toBe(`${N8N_PUBLIC_HOST}:${port}`);
});

test('a failed run sends run.failed with error_code and error_message', async () => {
	await runWithCallback('/hook', 'x #fail:safety_blocked');
	await waitFor(() => got.length === 1 || undefined);
	const event = JSON.parse(got[0].body);
	expect(event.type).toBe('run.failed');
	expect(got[0].headers['flora-event']).toBe('run.failed');
	expect(event.data).toMatchObject({
		status: 'failed',
		error_code: 'safety_blocked',
		error_message: expect.any(String),
	});
});

test('a non-2xx receiver gets retried after 10 s, 1 min and 5 min (scaled), with the same delivery id and body', async () => {
	answers = [500, 503, 404, 204];
	await runWithCallback('/flaky');
	await waitFor(() =>
		sim.webhookDeliveries.length === 4 && sim.webhookDeliveries[3].status !== null
			? true
			: undefined,
	);
	const d = sim.webhookDeliveries;
	expect(d.map((x) => [x.attempt, x.status])).toEqual([
		[1, 500],
		[2, 503],
		[3, 404],
		[4, 204],
	]);
	expect(new Set(d.map((x) => x.deliveryId)).size).toBe(1);
	expect(new Set(d.map((x) => x.body)).size).toBe(1);
	const gaps = [1, 2, 3].map((i) => d[i].attemptedAt - d[i - 1].attemptedAt);
	[10_000, 60_000, 300_000].forEach((ms, i) =>
		expect(gaps[i]).toBeGreaterThanOrEqual(ms / SCALE - 2),
	);
	expect(got.map((g) => g.headers['flora-webhook-id'])).toEqual(d.map((x) => x.deliveryId));
	for (const g of got)
		expect(verify(String(g.headers['flora-signature']), g.body, DEFAULT_WEBHOOK_SECRET).ok).toBe(
			true,
		);
});

test('delivery stops after 4 attempts; redirects are not followed', async () => {
	answers = [500, 500, 500, 500, 500, 500];
	await runWithCallback('/down');
	await waitFor(
		() =>
			(sim.webhookDeliveries.length === 4 && sim.webhookDeliveries[3].status !== null) || undefined,
	);
	await new Promise((r) => setTimeout(r, 700)); // 700 simulated seconds more
	expect(sim.webhookDeliveries).toHaveLength(4);
	sim.reset();
	got = [];
	answers = [];
	await runWithCallback('/redirect');
	await waitFor(
		() =>
			(sim.webhookDeliveries.length === 4 && sim.webhookDeliveries[3].status !== null) || undefined,
	);
	expect(sim.webhookDeliveries.map((x) => x.status)).toEqual([302, 302, 302, 302]);
	expect(got.map((g) => g.path)).toEqual(['/redirect', '/redirect', '/redirect', '/redirect']);
});

test('a receiver that refuses connections is recorded as an error attempt and retried', async () => {
	const closed = createServer();
	await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
	const port = (closed.address() as AddressInfo).port;
	await new Promise((r) => closed.close(r));
	const r = await api(sim).post('/techniques/voiceover/runs', {
		inputs: [textInput('script', 'x #duration:1')],
		mode: 'async',
		callback_url: `https://${N8N_PUBLIC_HOST}:${port}/gone`,
	});
	expect(r.status).toBe(201);
	await waitFor(() => sim.webhookDeliveries.length >= 2 || undefined);
	expect(sim.webhookDeliveries[0]).toMatchObject({
		status: null,
		error: expect.stringMatching(/ECONNREFUSED/),
	});
});

test('callback hosts: a mapped origin with a port takes every callback of the host; others are left alone', async () => {
	const port = (server.address() as AddressInfo).port;
	sim.setCallbackHosts({ 'hooks.flora.test': `http://127.0.0.1:${port}` });
	const r = await api(sim).post('/techniques/voiceover/runs', {
		inputs: [textInput('script', 'x #duration:1')],
		mode: 'async',
		callback_url: 'https://hooks.flora.test/n8n/webhook-waiting/7?signature=abc',
	});
	expect(r.status).toBe(201);
	await waitFor(() => got.length === 1 || undefined);
	expect(got[0].path).toBe('/n8n/webhook-waiting/7?signature=abc');
	expect(got[0].headers.host).toBe('hooks.flora.test');
	expect(sim.webhookDeliveries[0]).toMatchObject({
		url: 'https://hooks.flora.test/n8n/webhook-waiting/7?signature=abc',
		deliveredTo: `http://127.0.0.1:${port}/n8n/webhook-waiting/7?signature=abc`,
		status: 200,
	});
	// The mapping replaced the options' one until reset().
	expect(
		(await axios.get(`${sim.baseUrl.replace('/api/v1', '')}/_simulator/state`)).data.callbackHosts,
	).toEqual({ 'hooks.flora.test': `http://127.0.0.1:${port}` });
	sim.reset();
	expect(
		(await axios.get(`${sim.baseUrl.replace('/api/v1', '')}/_simulator/state`)).data.callbackHosts,
	).toEqual({ [N8N_PUBLIC_HOST]: 'http://127.0.0.1' });
	expect(() => sim.setCallbackHosts({ 'n8n.flora.test': 'http://127.0.0.1/path' })).toThrow(
		/origin/,
	);
});
