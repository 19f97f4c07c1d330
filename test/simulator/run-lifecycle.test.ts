/** Runs living in (scaled) time: pending → running → completed/failed, outcomes, durations, history listing. */
import { RUN_ERROR_CODES, startSimulator, type Simulator } from '../../simulator';
import { api, pollRun, textInput, waitFor, type Json } from './helpers';

const SCALE = 50;
let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: SCALE });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const start = (technique: string, inputs: Json[]) =>
	api(sim).post(`/techniques/${technique}/runs`, { inputs, mode: 'async' });

test('a run goes pending → running with rising progress → completed, with outputs in the technique order', async () => {
	sim.setRunDuration('voiceover', 10); // 10 simulated s = 200 ms real at 50x
	const created = (await start('voiceover', [textInput('script', 'Welcome to FLORA.')])).data;
	expect(created.status).toBe('pending');
	const seen: Json[] = [];
	const done = await waitFor(
		async () => {
			const r = (await api(sim).get(created.poll_url.replace(sim.baseUrl, ''))).data;
			seen.push(r);
			return r.status === 'completed' ? r : undefined;
		},
		10000,
		10,
	);
	const statuses = seen.map((s) => s.status).filter((s, i, a) => a.indexOf(s) === i);
	expect(statuses).toEqual(
		['pending', 'running', 'completed'].slice(statuses[0] === 'pending' ? 0 : 1),
	);
	const running = seen.filter((s) => s.status === 'running').map((s) => s.progress);
	expect(running.length).toBeGreaterThanOrEqual(3);
	for (let i = 1; i < running.length; i++)
		expect(running[i]).toBeGreaterThanOrEqual(running[i - 1]);
	expect(new Set(running).size).toBeGreaterThan(1);
	for (const p of running) expect(p >= 0 && p < 1).toBe(true);
	expect(done.progress).toBe(1);
	expect(done.charged_cost).toBe(0.06);
	expect(done.created_at).toBeLessThanOrEqual(done.started_at);
	expect(done.started_at).toBeLessThanOrEqual(done.completed_at);
	expect(done.outputs).toEqual([
		{
			output_id: expect.stringMatching(/^out_/),
			type: 'audioUrl',
			url: expect.stringMatching(/\.mp3$/),
		},
	]);
	const rec = sim.getRun(created.run_id)!;
	expect(rec.status).toBe('completed');
	expect(rec.startedAt).toBe(done.started_at);
	expect(rec.endedAt).toBe(done.completed_at);
	// 10 simulated seconds at 50x is 200 ms of real time between start and end (timers never fire early).
	expect(rec.endedAt! - rec.startedAt!).toBeGreaterThanOrEqual(200 - 2);
	expect(rec.simEnd - rec.simStart).toBe(10_000);
});

test.each(RUN_ERROR_CODES.map((c) => [c]))(
	'a #fail:%s token fails the run with that error_code, uncharged',
	async (code) => {
		const created = (
			await start('voiceover', [textInput('script', `read this #fail:${code} #duration:1`)])
		).data;
		const done = await pollRun(api(sim), 'voiceover', created.run_id);
		expect(done).toMatchObject({
			status: 'failed',
			error_code: code,
			error_message: expect.any(String),
			charged_cost: 0,
		});
		expect(done.error_message.length).toBeGreaterThan(5);
		expect(done.outputs).toBeUndefined();
		expect(done.completed_at).toBeGreaterThanOrEqual(done.started_at);
	},
);

test('scriptNextRun queues outcomes consumed in order by the next runs of that technique', async () => {
	sim.scriptNextRun('tech_voiceover', {
		outcome: 'failed',
		errorCode: 'model_timeout',
		errorMessage: 'took too long',
		durationSeconds: 2,
	});
	sim.scriptNextRun('voiceover', { outcome: 'completed', durationSeconds: 1 });
	const a = (await start('voiceover', [textInput('script', 'one #fail:safety_blocked')])).data;
	const b = (await start('voiceover', [textInput('script', 'two #fail:provider_error')])).data;
	const c = (await start('voiceover', [textInput('script', 'three #fail:provider_error')])).data;
	const [da, db, dc] = await Promise.all(
		[a, b, c].map((r) => pollRun(api(sim), 'voiceover', r.run_id)),
	);
	expect(da).toMatchObject({
		status: 'failed',
		error_code: 'model_timeout',
		error_message: 'took too long',
	});
	expect(db.status).toBe('completed'); // the script wins over the token
	expect(dc).toMatchObject({ status: 'failed', error_code: 'provider_error' }); // queue empty: the token decides
	expect(sim.getRun(a.run_id)!.durationSeconds).toBe(2);
	expect(sim.getRun(b.run_id)!.durationSeconds).toBe(1);
});

test('an image input on host unreachable.invalid fails with input_unreachable', async () => {
	const created = (
		await start('art-directors-critique', [
			{ id: 'artwork', type: 'imageUrl', value: 'https://unreachable.invalid/art.png' },
		])
	).data;
	const done = await pollRun(api(sim), 'art-directors-critique', created.run_id);
	expect(done).toMatchObject({ status: 'failed', error_code: 'input_unreachable' });
	expect(done.error_message).toContain('unreachable.invalid');
});

test('#duration sets the simulated duration; the storyboard video defaults to a long one', async () => {
	const quick = (await start('voiceover', [textInput('script', 'x #duration:0.5')])).data;
	expect(sim.getRun(quick.run_id)!.durationSeconds).toBe(0.5);
	const video = (
		await start('storyboard-to-video', [
			{ id: 'storyboard', type: 'imageUrl', value: 'https://cdn.example.com/frame.png' },
			textInput('motion_prompt', 'slow dolly in'),
		])
	).data;
	expect(sim.getRun(video.run_id)!.durationSeconds).toBeGreaterThanOrEqual(30);
	expect(
		(await api(sim).get(`/techniques/storyboard-to-video/runs/${video.run_id}`)).data.status,
	).toMatch(/pending|running/);
});

test('text outputs carry the text itself; the critique answers text then a PDF', async () => {
	const created = (
		await start('art-directors-critique', [
			{ id: 'artwork', type: 'imageUrl', value: 'https://cdn.example.com/poster.png' },
			textInput('brief', 'Summer sale, bold and warm #duration:1'),
		])
	).data;
	const done = await pollRun(api(sim), 'art-directors-critique', created.run_id);
	expect(done.outputs.map((o: Json) => o.type)).toEqual(['text', 'documentUrl']);
	expect(done.outputs[0].url).toContain('Summer sale, bold and warm');
	expect(done.outputs[0].url).not.toContain('#duration');
	expect(done.outputs[1].url.startsWith(`${sim.mediaOrigin}/media/${created.run_id}/`)).toBe(true);
});

test('GET /technique-runs lists newest first with filters and cursor pages', async () => {
	const ids: string[] = [];
	for (let i = 0; i < 5; i++)
		ids.push((await start('voiceover', [textInput('script', `n${i} #duration:0.2`)])).data.run_id);
	const failed = (
		await start('every-output-type', [textInput('prompt', '#fail:provider_error #duration:0.2')])
	).data.run_id;
	await pollRun(api(sim), 'every-output-type', failed);
	await Promise.all(ids.map((id) => pollRun(api(sim), 'voiceover', id)));

	const seen: Json[] = [];
	let cursor: string | undefined;
	do {
		const r = await api(sim).get('/technique-runs', {
			params: { limit: 4, ...(cursor ? { cursor } : {}) },
		});
		expect(r.status).toBe(200);
		seen.push(...r.data.technique_runs);
		cursor = r.data.meta.next_cursor ?? undefined;
	} while (cursor);
	expect(seen.map((r) => r.run_id)).toEqual([failed, ...[...ids].reverse()]);
	expect(seen[0]).toMatchObject({
		technique_run_id: failed,
		technique: { technique_id: 'tech_every_output', name: 'Every Output Type' },
		workspace_id: 'ws_sim_studio',
		project_id: 'prj_sim_default',
		status: 'failed',
		poll_url: expect.stringContaining(`/techniques/tech_every_output/runs/${failed}`),
	});
	const onlyFailed = await api(sim).get('/technique-runs', { params: { status: 'failed' } });
	expect(onlyFailed.data.technique_runs.map((r: Json) => r.run_id)).toEqual([failed]);
	const bySlug = await api(sim).get('/technique-runs', { params: { technique_id: 'voiceover' } });
	expect(bySlug.data.technique_runs).toHaveLength(5);
	expect(bySlug.data.meta).toEqual({ next_cursor: null, total_estimate: 5 });
	const otherWs = await api(sim).get('/technique-runs', {
		params: { workspace_id: 'ws_sim_agency' },
	});
	expect(otherWs.data.technique_runs).toEqual([]);
});

test('a run asked for under another technique id answers 404', async () => {
	const created = (await start('voiceover', [textInput('script', 'x')])).data;
	expect((await api(sim).get(`/techniques/voiceover/runs/${created.run_id}`)).status).toBe(200);
	const r = await api(sim).get(`/techniques/product-shot/runs/${created.run_id}`);
	expect(r.status).toBe(404);
	expect(r.data.error.code).toBe('not_found');
});
