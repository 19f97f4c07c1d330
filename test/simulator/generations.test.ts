/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** Generations: POST /generate (validation, params against the model, idempotency, credits, roles), the run on the simulated clock read by GET /runs/{runId}, outputs of the model's type, magic tokens, callbacks, and GET /generations. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { VIEWER_API_KEY, startSimulator, type Simulator } from '../../simulator';
import { api, waitFor, type Json } from './helpers';
import { LOOPBACK_CALLBACKS, publicUrl } from '../harness/publicHost';

let sim: Simulator;
let receiver: Server;
let hookUrl: string;
const received: Json[] = [];
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 100, callbackHosts: LOOPBACK_CALLBACKS });
	receiver = createServer((req, res) => {
		let body = '';
		req.on('data', (c) => (body += c));
		req.on('end', () => {
			received.push({ headers: req.headers, body: JSON.parse(body) });
			res.writeHead(204).end();
		});
	});
	await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
	hookUrl = publicUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`);
});
afterAll(async () => {
	await sim.close();
	await new Promise((r) => receiver.close(r));
});
beforeEach(() => {
	sim.reset();
	received.length = 0;
});

const WHERE = { workspace_id: 'ws_sim_studio', project_id: 'prj_sim_default' };
const generate = (body: Json, headers: Json = {}) =>
	api(sim).post('/generate', { ...WHERE, ...body }, { headers });

async function done(runId: string): Promise<Json> {
	return waitFor(async () => {
		const r = await api(sim).get(`/runs/${runId}`);
		expect(r.status).toBe(200);
		return ['completed', 'failed'].includes(r.data.status) ? r.data : undefined;
	});
}

test('POST /generate answers 201 with the run to poll: type generation, the model used, its cost and duration', async () => {
	const r = await generate({ type: 'image', prompt: 'a ceramic mug', model: 't2i-aurora-2-pro' });
	expect(r.status).toBe(201);
	expect(r.data).toEqual({
		run_id: expect.stringMatching(/^run_[0-9a-f]+$/),
		type: 'generation',
		model: { model_id: 't2i-aurora-2-pro' },
		technique: null,
		action: null,
		estimated_seconds: 12,
		charged_cost: 0.04,
		poll_url: `${sim.baseUrl}/runs/${r.data.run_id}`,
		project_id: 'prj_sim_default',
	});
	const rec = sim.getRun(r.data.run_id)!;
	expect(rec).toMatchObject({
		run_type: 'generation',
		model_id: 't2i-aurora-2-pro',
		workspace_id: 'ws_sim_studio',
		project_id: 'prj_sim_default',
		params: { aspect_ratio: '1:1', num_images: 1, guidance_scale: 3.5, enhance_prompt: true },
	});
	expect(rec.technique_id).toBeUndefined();
	expect(sim.runsCreated()).toBe(1);
});

test('a generation runs pending → running → completed with rising progress, then is charged and has one image per num_images on the media host', async () => {
	sim.setCredits(10);
	const created = (
		await generate({ type: 'image', prompt: 'three mugs', params: { num_images: 3 } })
	).data;
	expect(created.charged_cost).toBe(0.12);
	const seen: Json[] = [];
	const end = await waitFor(
		async () => {
			const r = (await api(sim).get(`/runs/${created.run_id}`)).data;
			seen.push(r);
			return r.status === 'completed' ? r : undefined;
		},
		15000,
		5,
	);
	const statuses = seen.map((s) => s.status).filter((s, i, a) => a.indexOf(s) === i);
	expect(statuses).toEqual(
		['pending', 'running', 'completed'].slice(statuses[0] === 'pending' ? 0 : 1),
	);
	const progress = seen.filter((s) => s.status === 'running').map((s) => s.progress);
	for (let i = 1; i < progress.length; i++)
		expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1]);
	expect(sim.credits).toBeCloseTo(9.88, 6);
	expect(end).toMatchObject({ progress: 1, charged_cost: 0.12, poll_url: created.poll_url });
	expect(end.outputs).toHaveLength(3);
	for (const o of end.outputs) {
		expect(o).toEqual({
			output_id: expect.stringMatching(/^out_/),
			type: 'imageUrl',
			url: expect.any(String),
		});
		expect(o.url.startsWith(`${sim.mediaOrigin}/media/${created.run_id}/`)).toBe(true);
	}
	const file = await axios.get(end.outputs[0].url, { responseType: 'arraybuffer' });
	expect([file.status, file.headers['content-type']]).toEqual([200, 'image/png']);
	const v = sim.contract.responseValidator('GET /runs/{runId}', 200)!;
	expect(v(end)).toBe(true);
});

test('video, audio and text generations give one output of their type; a text output carries the text', async () => {
	const video = (
		await generate({ type: 'video', prompt: 'waves #duration:1', params: { duration: 8 } })
	).data;
	expect([video.model.model_id, video.charged_cost]).toEqual(['t2v-drift-1-5', 0.8]);
	const audio = (await generate({ type: 'audio', prompt: 'Welcome #duration:1' })).data;
	const text = (await generate({ type: 'text', prompt: 'A tagline for a mug #duration:1' })).data;
	const [v, a, t] = await Promise.all([video, audio, text].map((r) => done(r.run_id)));
	expect(v.outputs.map((o: Json) => o.type)).toEqual(['videoUrl']);
	expect(sim.getRun(video.run_id)!.outputs![0].durationSeconds).toBe(8);
	expect(a.outputs.map((o: Json) => o.type)).toEqual(['audioUrl']);
	expect(t.outputs).toEqual([
		{ output_id: expect.any(String), type: 'text', url: 'Quill 3: A tagline for a mug' },
	]);
	const mp4 = await axios.get(v.outputs[0].url, { responseType: 'arraybuffer' });
	expect(mp4.headers['content-type']).toBe('video/mp4');
});

test('without model the first model of the type is used; an unknown model or one of another type answers 400 naming model', async () => {
	expect((await generate({ type: 'video', prompt: 'x' })).data.model).toEqual({
		model_id: 't2v-drift-1-5',
	});
	const unknown = await generate({ type: 'image', prompt: 'x', model: 'flux-pro' });
	expect(unknown.status).toBe(400);
	expect(unknown.data.error.fields).toEqual([
		{ field: 'model', message: 'unknown model "flux-pro"; GET /models lists them' },
	]);
	const other = await generate({ type: 'image', prompt: 'x', model: 'llm-quill-3' });
	expect(other.data.error.fields).toEqual([
		{ field: 'model', message: 'is a text model, not image' },
	]);
});

test("params are checked against the model's schema, each problem naming params.<name>", async () => {
	const r = await generate({
		type: 'image',
		prompt: 'x',
		model: 't2i-aurora-2-pro',
		params: {
			num_images: 5,
			aspect_ratio: '2:1',
			seed: 1.5,
			guidance_scale: '3',
			enhance_prompt: 'yes',
			style: 'noir',
		},
	});
	expect(r.status).toBe(400);
	expect(r.data.error.code).toBe('input_validation_error');
	expect(r.data.error.fields).toEqual([
		{
			field: 'params.style',
			message: expect.stringContaining('is not a parameter of t2i-aurora-2-pro'),
		},
		{ field: 'params.aspect_ratio', message: 'must be one of 1:1, 4:5, 3:2, 16:9, 9:16' },
		{ field: 'params.num_images', message: 'must be an integer between 1 and 4' },
		{ field: 'params.seed', message: 'must be an integer between 0 and 2147483647' },
		{ field: 'params.guidance_scale', message: 'must be a number between 1 and 20' },
		{ field: 'params.enhance_prompt', message: 'must be true or false' },
	]);
	const edit = await generate({ type: 'image', prompt: 'x', model: 'i2i-aurora-2-edit' });
	expect(edit.data.error.fields).toEqual([
		{ field: 'params.image_urls', message: 'is required by i2i-aurora-2-edit' },
	]);
	const urls = await generate({
		type: 'image',
		prompt: 'x',
		model: 'i2i-aurora-2-edit',
		params: { image_urls: ['https://cdn.example.com/a.png', 'file:///etc/passwd'] },
	});
	expect(urls.data.error.fields).toEqual([
		{ field: 'params.image_urls[1]', message: 'must be an http(s) URL' },
	]);
	const video = await generate({
		type: 'video',
		prompt: 'x',
		params: { duration: 11, fps: 'auto', camera: { pan: 2, roll: 0 } },
	});
	expect(video.data.error.fields).toEqual([
		{ field: 'params.duration', message: 'must be an integer between 2 and 10' },
		{ field: 'params.fps', message: 'must be an integer between 12 and 60, or null' },
		{ field: 'params.camera.pan', message: 'must be a number between -1 and 1' },
		{ field: 'params.camera.roll', message: 'is not allowed; expected one of pan, tilt, zoom' },
	]);
	const notObject = await generate({ type: 'image', prompt: 'x', params: ['seed'] });
	expect(notObject.data.error.fields).toEqual([{ field: 'params', message: 'must be an object' }]);
	const good = await generate({
		type: 'video',
		prompt: 'x',
		params: { fps: null, camera: { zoom: -0.5 }, seed: 7 },
	});
	expect(good.status).toBe(201);
	expect(sim.runsCreated()).toBe(1);
});

test('the body is checked field by field: required fields, ids with their prefixes, unknown keys, callback_url', async () => {
	const r = await api(sim).post('/generate', {
		type: 't2i',
		prompt: '  ',
		workspace_id: 'studio',
		priority: 1,
		callback_url: 'http://10.0.0.1/hook',
	});
	expect(r.status).toBe(400);
	expect(r.data.error.fields).toEqual([
		{ field: 'priority', message: 'is not allowed' },
		{ field: 'type', message: 'must be one of image, video, audio, text' },
		{ field: 'prompt', message: 'must not be empty' },
		{ field: 'workspace_id', message: 'must be a workspace id (ws_…)' },
		{ field: 'project_id', message: 'is required' },
		{ field: 'callback_url', message: 'must use https' },
	]);
	const empty = await api(sim).post('/generate', {});
	expect(empty.data.error.fields.map((f: Json) => f.field)).toEqual([
		'type',
		'prompt',
		'workspace_id',
		'project_id',
	]);
	const notJson = await api(sim).post('/generate', 'type=image', {
		headers: { 'content-type': 'application/json' },
		transformRequest: [(d) => d],
	});
	expect([notJson.status, notJson.data.error.code]).toEqual([400, 'invalid_json']);
	expect(sim.runsCreated()).toBe(0);
});

test('an unknown workspace, or a project that is not in the workspace, answers 404 not_found', async () => {
	const ws = await generate({ type: 'text', prompt: 'x', workspace_id: 'ws_nope' });
	expect([ws.status, ws.data.error.code]).toEqual([404, 'not_found']);
	const prj = await generate({ type: 'text', prompt: 'x', project_id: 'prj_sim_agency_pitch' });
	expect(prj.status).toBe(404);
	expect(prj.data.error.message).toBe(
		'Project "prj_sim_agency_pitch" was not found in workspace "ws_sim_studio".',
	);
	const elsewhere = await generate({
		type: 'text',
		prompt: 'x',
		workspace_id: 'ws_sim_agency',
		project_id: 'prj_sim_agency_pitch',
	});
	expect(elsewhere.status).toBe(201);
});

test('an Idempotency-Key replayed within two hours answers 409, with another body 422; one run exists', async () => {
	const headers = { 'Idempotency-Key': 'gen-key-1' };
	const body = { type: 'image', prompt: 'a mug' };
	const first = await generate(body, headers);
	expect(first.status).toBe(201);
	const again = await generate(body, headers);
	expect([again.status, again.data.error.code]).toEqual([409, 'idempotency_duplicate']);
	const other = await generate({ ...body, prompt: 'two mugs' }, headers);
	expect([other.status, other.data.error.code]).toEqual([422, 'idempotency_conflict']);
	expect(sim.runsCreated({ idempotencyKey: 'gen-key-1' })).toBe(1);
	expect(sim.runsCreated()).toBe(1);
});

test('a viewer key is refused with 403; a balance below the price answers 402 and starts nothing', async () => {
	const viewer = await api(sim, VIEWER_API_KEY).post('/generate', {
		...WHERE,
		type: 'text',
		prompt: 'x',
	});
	expect([viewer.status, viewer.data.error.code]).toEqual([403, 'forbidden']);
	sim.setCredits(0.5);
	const pricey = await generate({ type: 'video', prompt: 'x', params: { duration: 10 } });
	expect([pricey.status, pricey.data.error.code]).toEqual([402, 'insufficient_credits']);
	expect(pricey.data.error.message).toBe('This run costs $1 but the workspace balance is $0.5.');
	expect(sim.runsCreated()).toBe(0);
});

test('#fail:<code> in the prompt fails the run uncharged, #duration: sets its duration, an unreachable image param fails with input_unreachable', async () => {
	sim.setCredits(5);
	const failed = (await generate({ type: 'image', prompt: 'x #fail:safety_blocked #duration:1' }))
		.data;
	const slow = (await generate({ type: 'text', prompt: 'y #duration:0.5' })).data;
	expect(slow.estimated_seconds).toBe(1);
	expect(sim.getRun(slow.run_id)!.durationSeconds).toBe(0.5);
	const unreachable = (
		await generate({
			type: 'video',
			prompt: 'z',
			model: 'i2v-drift-1-5',
			params: { image_url: 'https://unreachable.invalid/frame.png', duration: 2 },
		})
	).data;
	const [f, , u] = await Promise.all([failed, slow, unreachable].map((r) => done(r.run_id)));
	expect(f).toMatchObject({
		status: 'failed',
		error_code: 'safety_blocked',
		error_message: expect.any(String),
		charged_cost: 0,
	});
	expect(f.outputs).toBeUndefined();
	expect(u).toMatchObject({ status: 'failed', error_code: 'input_unreachable' });
	expect(u.error_message).toContain('image_url');
	expect(sim.credits).toBeCloseTo(5 - 0.005, 6);
});

test('the run is read by id only: the nested technique read answers 404 and GET /technique-runs leaves it out', async () => {
	const run = (await generate({ type: 'text', prompt: 'x' })).data;
	expect((await api(sim).get(`/runs/${run.run_id}`)).status).toBe(200);
	expect((await api(sim).get(`/techniques/voiceover/runs/${run.run_id}`)).status).toBe(404);
	const history = await api(sim).get('/technique-runs');
	expect(history.data).toEqual({
		technique_runs: [],
		meta: { next_cursor: null, total_estimate: 0 },
	});
});

test('a callback_url gets one signed run.completed webhook with run_type generation; a failed one run.failed', async () => {
	const ok = (await generate({ type: 'text', prompt: 'x #duration:1', callback_url: hookUrl }))
		.data;
	const ko = (
		await generate({
			type: 'text',
			prompt: 'x #fail:provider_error #duration:1',
			callback_url: hookUrl,
		})
	).data;
	await waitFor(() => received.length === 2 || undefined);
	const v = sim.contract.componentValidator('WebhookEvent');
	for (const d of received) {
		expect(v(d.body)).toBe(true);
		expect(d.headers['flora-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
	}
	const byRun = (id: string) => received.find((d) => d.body.data.run_id === id)!.body;
	expect(byRun(ok.run_id)).toMatchObject({
		type: 'run.completed',
		data: { run_type: 'generation', workspace_id: 'ws_sim_studio', status: 'completed' },
	});
	expect(byRun(ko.run_id)).toMatchObject({
		type: 'run.failed',
		data: {
			run_type: 'generation',
			status: 'failed',
			error_code: 'provider_error',
			error_message: 'The model provider returned an error while running this generation.',
		},
	});
});

test('scriptNextRun, setRunDuration and setOutputBytes take a model id', async () => {
	sim.scriptNextRun('t2a-chorus-2', {
		outcome: 'failed',
		errorCode: 'model_timeout',
		durationSeconds: 1,
	});
	sim.setRunDuration('llm-quill-3', 2);
	sim.setOutputBytes('t2a-chorus-2', 50_000);
	const a = (await generate({ type: 'audio', prompt: 'x' })).data;
	const b = (await generate({ type: 'audio', prompt: 'y #duration:1' })).data;
	const t = (await generate({ type: 'text', prompt: 'z' })).data;
	expect(sim.getRun(t.run_id)!.durationSeconds).toBe(2);
	expect((await done(a.run_id)).error_code).toBe('model_timeout');
	const second = await done(b.run_id);
	const mp3 = await axios.get(second.outputs[0].url, { responseType: 'arraybuffer' });
	expect(mp3.data.byteLength).toBe(50_000);
	expect(() => sim.setRunDuration('no-such-model', 1)).toThrow(
		/unknown technique, model or action/,
	);
});

test('GET /generations lists generation runs newest first, filtered by workspace, project and status, paged by cursor', async () => {
	await api(sim).post('/techniques/voiceover/runs', {
		inputs: [{ id: 'script', type: 'text', value: 'not a generation' }],
		mode: 'async',
	});
	const ids: string[] = [];
	for (let i = 0; i < 4; i++)
		ids.push((await generate({ type: 'text', prompt: `n${i} #duration:0.2` })).data.run_id);
	const failed = (await generate({ type: 'text', prompt: '#fail:internal_error #duration:0.2' }))
		.data.run_id;
	const agency = (
		await generate({
			type: 'text',
			prompt: 'a',
			workspace_id: 'ws_sim_agency',
			project_id: 'prj_sim_agency_pitch',
		})
	).data.run_id;
	await Promise.all([...ids, failed, agency].map(done));
	const seen: Json[] = [];
	let cursor: string | undefined;
	do {
		const r = await api(sim).get('/generations', {
			params: { limit: 4, ...(cursor ? { cursor } : {}) },
		});
		expect(r.status).toBe(200);
		seen.push(...r.data.generations);
		cursor = r.data.meta.next_cursor ?? undefined;
	} while (cursor);
	expect(seen.map((g) => g.run_id)).toEqual([agency, failed, ...[...ids].reverse()]);
	expect(seen[1]).toMatchObject({
		generation_id: failed,
		run_id: failed,
		status: 'failed',
		error_code: 'internal_error',
		workspace_id: 'ws_sim_studio',
		project_id: 'prj_sim_default',
		model: { model_id: 'llm-quill-3' },
		poll_url: `${sim.baseUrl}/runs/${failed}`,
	});
	const v = sim.contract.responseValidator('GET /generations', 200)!;
	const onlyFailed = await api(sim).get('/generations', { params: { status: 'failed' } });
	expect(v(onlyFailed.data)).toBe(true);
	expect(onlyFailed.data.generations.map((g: Json) => g.run_id)).toEqual([failed]);
	const inProject = await api(sim).get('/generations', {
		params: { project_id: 'prj_sim_agency_pitch' },
	});
	expect(inProject.data.generations.map((g: Json) => g.run_id)).toEqual([agency]);
	const inWs = await api(sim).get('/generations', { params: { workspace_id: 'ws_sim_studio' } });
	expect(inWs.data.meta).toEqual({ next_cursor: null, total_estimate: 5 });
	for (const [params, field] of [
		[{ status: 'done' }, 'status'],
		[{ project_id: 'project-1' }, 'project_id'],
		[{ cursor: 'nope' }, 'cursor'],
		[{ limit: 101 }, 'limit'],
	] as const) {
		const bad = await api(sim).get('/generations', { params });
		expect([bad.status, bad.data.error.fields[0].field]).toEqual([400, field]);
	}
	expect((await api(sim).get('/generations', { params: { workspace_id: 'ws_x' } })).status).toBe(
		404,
	);
});

test('a generation in a project makes it the most recently active one', async () => {
	await generate({ type: 'text', prompt: 'x', project_id: 'prj_sim_autumn_lookbook' });
	const list = await api(sim).get('/projects', { params: { workspace_id: 'ws_sim_studio' } });
	expect(list.data.projects[0].project_id).toBe('prj_sim_autumn_lookbook');
});
