/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** Scale: 500 runs started within a second or two, 500 signed webhook deliveries to a slow loopback receiver over a bounded number of connections. */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import axios from 'axios';
import {
	DEFAULT_API_KEY,
	DEFAULT_WEBHOOK_SECRET,
	WEBHOOK_MAX_SOCKETS,
	startSimulator,
	type Simulator,
} from '../../simulator';
import { textInput, waitFor } from './helpers';
import { LOOPBACK_CALLBACKS, publicUrl } from '../harness/publicHost';

const RUNS = 500;
const ANSWER_MS = 400; // the receiver is slow: without a bound, deliveries would pile up connections

let sim: Simulator;
let receiver: http.Server;
let hookUrl: string;
let open = 0;
let maxOpen = 0;
let inFlight = 0;
let maxInFlight = 0;
const got: Array<{ signature: string; body: string }> = [];

beforeAll(async () => {
	sim = await startSimulator({ timeScale: 100, callbackHosts: LOOPBACK_CALLBACKS });
	receiver = http.createServer((req, res) => {
		inFlight++;
		maxInFlight = Math.max(maxInFlight, inFlight);
		let body = '';
		req.setEncoding('utf8');
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			got.push({ signature: String(req.headers['flora-signature']), body });
			setTimeout(() => {
				inFlight--;
				res.writeHead(200).end();
			}, ANSWER_MS);
		});
	});
	receiver.keepAliveTimeout = 30_000;
	receiver.on('connection', (sock: Socket) => {
		open++;
		maxOpen = Math.max(maxOpen, open);
		sock.on('close', () => open--);
	});
	await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
	hookUrl = publicUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
});
afterAll(async () => {
	await sim.close();
	receiver.closeAllConnections();
	await new Promise((r) => receiver.close(r));
});

function verify(header: string, raw: string): boolean {
	const parts = header.split(',').map((p) => p.split('='));
	const t = parts.find(([k]) => k === 't')?.[1];
	const expected = createHmac('sha256', DEFAULT_WEBHOOK_SECRET).update(`${t}.${raw}`).digest();
	return parts
		.filter(([k]) => k === 'v1')
		.some(
			([, v]) =>
				Buffer.from(v, 'hex').length === 32 && timingSafeEqual(Buffer.from(v, 'hex'), expected),
		);
}

test(`${RUNS} runs with callback URLs are all delivered with valid signatures, over at most WEBHOOK_MAX_SOCKETS connections`, async () => {
	const agent = new http.Agent({ keepAlive: true, maxSockets: 50 });
	const client = axios.create({
		baseURL: sim.baseUrl,
		headers: { Authorization: `Bearer ${DEFAULT_API_KEY}` },
		httpAgent: agent,
		validateStatus: () => true,
	});
	const t0 = Date.now();
	const created = await Promise.all(
		Array.from({ length: RUNS }, (_, i) =>
			client.post('/techniques/voiceover/runs', {
				inputs: [textInput('script', `run ${i} #duration:30`)],
				mode: 'async',
				callback_url: hookUrl,
			}),
		),
	);
	const startedIn = Date.now() - t0;
	agent.destroy();
	expect(created.map((r) => r.status)).toEqual(Array(RUNS).fill(201));
	expect(startedIn).toBeLessThan(10_000);
	const runIds = new Set(created.map((r) => r.data.run_id as string));
	expect(runIds.size).toBe(RUNS);

	await waitFor(() => got.length >= RUNS || undefined, 50_000, 50);
	await waitFor(() => sim.webhookDeliveries.every((d) => d.status !== null) || undefined);

	// Every run delivered exactly once, signed with the secret, answered 200 on the first attempt.
	const delivered = got.map((g) => JSON.parse(g.body).data.run_id as string);
	expect(new Set(delivered)).toEqual(runIds);
	expect(delivered).toHaveLength(RUNS);
	expect(got.filter((g) => !verify(g.signature, g.body))).toEqual([]);
	expect(sim.webhookDeliveries).toHaveLength(RUNS);
	expect(sim.webhookDeliveries.filter((d) => d.status !== 200 || d.attempt !== 1)).toEqual([]);

	// The bound: never more than WEBHOOK_MAX_SOCKETS connections (or requests) open at once, and
	// the slow receiver did make the deliveries queue up to it.
	expect(WEBHOOK_MAX_SOCKETS).toBe(50);
	expect(maxOpen).toBeLessThanOrEqual(WEBHOOK_MAX_SOCKETS);
	expect(maxInFlight).toBeLessThanOrEqual(WEBHOOK_MAX_SOCKETS);
	expect(maxInFlight).toBeGreaterThan(WEBHOOK_MAX_SOCKETS / 2);
	expect(sim.contractViolations).toEqual([]);
});
