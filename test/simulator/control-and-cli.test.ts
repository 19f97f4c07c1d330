/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** The HTTP control surface under /_simulator (for other processes) and the CLI entry point. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import axios from 'axios';
import {
	DEFAULT_API_KEY,
	DEFAULT_WEBHOOK_SECRET,
	startSimulator,
	type Simulator,
} from '../../simulator';
import { api, pollRun, textInput } from './helpers';

let sim: Simulator;
let control: string;
beforeAll(async () => {
	sim = await startSimulator();
	control = sim.baseUrl.replace(/\/api\/v1$/, '/_simulator');
});
afterAll(() => sim.close());

test('faults, config, state and reset can be driven over HTTP without auth', async () => {
	expect(
		(
			await axios.post(`${control}/config`, {
				timeScale: 200,
				credits: 5,
				runDurations: { voiceover: 2 },
				scriptNextRun: { technique: 'voiceover', outcome: 'failed', errorCode: 'provider_error' },
				callbackHosts: { 'n8n.flora.test': 'http://127.0.0.1:5678' },
			})
		).data,
	).toMatchObject({ ok: true, timeScale: 200, credits: 5 });
	await axios.post(`${control}/faults`, [
		{
			route: 'GET /workspaces',
			kind: 'status',
			status: 429,
			code: 'rate_limited',
			headers: { 'retry-after': '1' },
		},
	]);
	expect((await api(sim).get('/workspaces')).status).toBe(429);
	const run = (
		await api(sim).post('/techniques/voiceover/runs', {
			inputs: [textInput('script', 'x')],
			mode: 'async',
		})
	).data;
	expect((await pollRun(api(sim), 'voiceover', run.run_id)).error_code).toBe('provider_error');
	expect(sim.getRun(run.run_id)!.durationSeconds).toBe(2);

	const state = (await axios.get(`${control}/state`)).data;
	expect(state).toMatchObject({
		timeScale: 200,
		credits: 5,
		callbackHosts: { 'n8n.flora.test': 'http://127.0.0.1:5678' },
		counters: {
			runsCreated: 1,
			byRoute: { 'GET /workspaces': 1, 'POST /techniques/{techniqueId}/runs': 1 },
		},
		runs: [expect.objectContaining({ run_id: run.run_id, status: 'failed' })],
	});
	expect((await axios.get(`${control}/runs/${run.run_id}`)).data.technique_id).toBe(
		'tech_voiceover',
	);
	expect(
		(
			await axios.post(
				`${control}/faults`,
				{ kind: 'bogus-route', route: 'GET /x' },
				{ validateStatus: () => true },
			)
		).status,
	).toBe(400);

	await axios.post(`${control}/reset`);
	const after = (await axios.get(`${control}/state`)).data;
	expect(after).toMatchObject({
		timeScale: 1,
		credits: 1000,
		callbackHosts: {},
		counters: { requests: 0, runsCreated: 0 },
		runs: [],
	});
	expect(sim.requests).toHaveLength(0); // control requests are not part of the API request log
});

test('the CLI starts the simulator, prints the base URL, key and secret, and stops on SIGTERM', async () => {
	const root = path.resolve(__dirname, '..', '..');
	const child = spawn(
		process.execPath,
		[
			path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'),
			'simulator/cli.ts',
			'--port',
			'0',
			'--time-scale',
			'5',
			'--map-host',
			'n8n.flora.test=http://127.0.0.1:5678',
		],
		{
			cwd: root,
			stdio: ['ignore', 'pipe', 'pipe'],
		},
	);
	let out = '';
	child.stdout.setEncoding('utf8');
	child.stdout.on('data', (c) => (out += c));
	const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
	const deadline = Date.now() + 20000;
	while (!/control/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
	const baseUrl = /base URL\s+(\S+)/.exec(out)?.[1];
	expect(baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
	expect(out).toContain(DEFAULT_API_KEY);
	expect(out).toContain(DEFAULT_WEBHOOK_SECRET);
	const r = await axios.get(`${baseUrl}/workspaces`, {
		headers: { Authorization: `Bearer ${DEFAULT_API_KEY}` },
	});
	expect(r.status).toBe(200);
	expect(
		(await axios.get(`${baseUrl!.replace('/api/v1', '')}/_simulator/state`)).data.timeScale,
	).toBe(5);
	expect(out).toContain('https://n8n.flora.test/… go to http://127.0.0.1:5678/…');
	expect(
		(await axios.get(`${baseUrl!.replace('/api/v1', '')}/_simulator/state`)).data.callbackHosts,
	).toEqual({ 'n8n.flora.test': 'http://127.0.0.1:5678' });
	child.kill('SIGTERM');
	expect(await exited).toBe(0);
});
