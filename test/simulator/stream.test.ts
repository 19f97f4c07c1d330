/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** mode:"stream": text/event-stream of Run snapshots ending at a terminal one, the JSON variant, and a cut mid-run. */
import * as http from 'node:http';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../../simulator';
import { api, pollRun, textInput, type Json } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 10 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const BODY = JSON.stringify({
	inputs: [textInput('script', 'streaming #duration:6')],
	mode: 'stream',
});

/** Raw HTTP so that the events and the way the connection ends are both visible. */
function streamRun(
	technique = 'voiceover',
): Promise<{ status: number; type: string; events: Json[]; ended: 'end' | 'error' }> {
	return new Promise((resolve, reject) => {
		const u = new URL(`${sim.baseUrl}/techniques/${technique}/runs`);
		const req = http.request(
			u,
			{
				method: 'POST',
				headers: { Authorization: `Bearer ${DEFAULT_API_KEY}`, 'content-type': 'application/json' },
			},
			(res) => {
				let text = '';
				const done = (ended: 'end' | 'error') =>
					resolve({
						status: res.statusCode!,
						type: String(res.headers['content-type']),
						events: text
							.split('\n\n')
							.filter((e) => e.startsWith('data: '))
							.map((e) => JSON.parse(e.slice(6))),
						ended,
					});
				res.setEncoding('utf8');
				res.on('data', (c) => (text += c));
				res.on('end', () => done('end'));
				res.on('error', () => done('error'));
				res.on('aborted', () => done('error'));
			},
		);
		req.on('error', reject);
		req.end(BODY);
	});
}

test('event-stream: one data event per snapshot, progress rising, ending with a terminal snapshot then closing', async () => {
	const { status, type, events, ended } = await streamRun();
	expect(status).toBe(200);
	expect(type).toMatch(/^text\/event-stream/);
	expect(ended).toBe('end');
	expect(events[0]).toMatchObject({ status: 'pending', progress: 0 });
	const last = events[events.length - 1];
	expect(last).toMatchObject({
		status: 'completed',
		progress: 1,
		outputs: [expect.objectContaining({ type: 'audioUrl' })],
	});
	const running = events.filter((e) => e.status === 'running');
	expect(running.length).toBeGreaterThanOrEqual(2); // 700 ms of real time, a snapshot every 250 ms
	const progress = events.map((e) => e.progress);
	for (let i = 1; i < progress.length; i++)
		expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
	expect(new Set(events.map((e) => e.run_id)).size).toBe(1);
	expect(sim.requests[0].status).toBe(200);
});

test("streamFormat 'json' answers a plain JSON Run with 201", async () => {
	sim.setStreamFormat('json');
	const r = await api(sim).post('/techniques/voiceover/runs', JSON.parse(BODY));
	expect(r.status).toBe(201);
	expect(r.headers['content-type']).toMatch(/^application\/json/);
	expect(r.data).toMatchObject({ status: 'pending', run_id: expect.stringMatching(/^run_/) });
});

test('a cutStream fault closes the connection after N events while the run goes on to complete', async () => {
	sim.injectFault({
		route: 'POST /techniques/{techniqueId}/runs',
		kind: 'cutStream',
		afterEvents: 2,
	});
	const { events, ended } = await streamRun();
	expect(ended).toBe('error');
	expect(events).toHaveLength(2);
	expect(events[1].status).not.toBe('completed');
	const done = await pollRun(api(sim), 'voiceover', events[0].run_id);
	expect(done.status).toBe('completed');
	expect(sim.runsCreated()).toBe(1);
});
