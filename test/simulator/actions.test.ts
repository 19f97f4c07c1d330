/** Actions: GET /actions, GET /actions/{actionId} and POST /runs/action (inputs matched to the action's slots, params against its controls, idempotency, credits, roles), the run read by GET /runs/{runId}, its outputs and failures. */
import axios from 'axios';
import { VIEWER_API_KEY, startSimulator, type Simulator } from '../../simulator';
import { api, waitFor, type Json } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 100 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const WHERE = { workspace_id: 'ws_sim_studio', project_id: 'prj_sim_default' };
const VIDEO = 'https://cdn.example.com/clip.mp4';
const video = (url = VIDEO) => ({ type: 'video', url });
const text = (t: string) => ({ type: 'text', text: t });
const runAction = (body: Json, headers: Json = {}) =>
	api(sim).post('/runs/action', { ...WHERE, ...body }, { headers });

async function done(runId: string): Promise<Json> {
	return waitFor(async () => {
		const r = await api(sim).get(`/runs/${runId}`);
		expect(r.status).toBe(200);
		return ['completed', 'failed'].includes(r.data.status) ? r.data : undefined;
	});
}

test('GET /actions lists the catalogue in the Action shape, with ids from the SDK enum', async () => {
	const r = await api(sim).get('/actions');
	expect(r.status).toBe(200);
	const v = sim.contract.responseValidator('GET /actions', 200)!;
	expect({ valid: v(r.data), errors: v.errors }).toEqual({ valid: true, errors: null });
	expect(r.data.actions.map((a: Json) => a.action_id)).toEqual([
		'resize-video',
		'stitch-videos',
		'change-video-ar',
		'split-audio-from-video',
		'merge-audio-into-video',
		'resize-image-browser',
		'crop-image-browser',
		'concat-text-browser',
	]);
	const stitch = r.data.actions.find((a: Json) => a.action_id === 'stitch-videos');
	expect(stitch).toMatchObject({
		name: 'Stitch Videos',
		description: expect.any(String),
		language: 'python',
		charged_cost: 0.05,
		inputs: [{ name: 'videos', type: 'video', dynamic: true, multiple: { min: 2, max: 10 } }],
		outputs: [{ name: 'video', type: 'video' }],
	});
	expect(stitch.params.find((p: Json) => p.key === 'transition')).toMatchObject({
		type: 'select',
		default_value: 'none',
		available_values: expect.arrayContaining([{ value: 'fade', label: 'fade' }]),
	});
	for (const a of r.data.actions) expect(a).not.toHaveProperty('durationSeconds');
});

test('GET /actions/{actionId} answers one action; an id outside the enum 400 naming actionId, one the catalogue lacks 404', async () => {
	const one = await api(sim).get('/actions/concat-text-browser');
	expect([one.status, one.data.action_id, one.data.language]).toEqual([
		200,
		'concat-text-browser',
		'javascript',
	]);
	const legacy = await api(sim).get('/actions/concat-text');
	expect(legacy.status).toBe(400);
	expect(legacy.data.error.fields).toEqual([
		{
			field: 'actionId',
			message:
				'unknown action id "concat-text"; the browser actions end in -browser: "concat-text-browser"',
		},
	]);
	const bogus = await api(sim).get('/actions/teleport');
	expect(bogus.data.error.fields[0]).toMatchObject({ field: 'actionId' });
	const lacking = await api(sim).get('/actions/boomerang-video');
	expect(lacking.data).toEqual({
		error: { code: 'not_found', message: 'Action "boomerang-video" is not available.' },
	});
});

test('POST /runs/action answers 201 with the run to poll; it completes with the action outputs on the media host and is charged', async () => {
	sim.setCredits(1);
	const r = await runAction({
		action_id: 'split-audio-from-video',
		inputs: [video()],
		params: { audio_format: 'mp3' },
	});
	expect(r.status).toBe(201);
	expect(r.data).toEqual({
		run_id: expect.stringMatching(/^run_[0-9a-f]+$/),
		type: 'action',
		model: null,
		technique: null,
		action: { action_id: 'split-audio-from-video' },
		estimated_seconds: 8,
		charged_cost: 0.01,
		poll_url: `${sim.baseUrl}/runs/${r.data.run_id}`,
		project_id: 'prj_sim_default',
	});
	expect(sim.getRun(r.data.run_id)).toMatchObject({
		run_type: 'action',
		action_id: 'split-audio-from-video',
		params: { audio_format: 'mp3' },
		inputs: [{ id: 'video', type: 'videoUrl', value: VIDEO }],
	});
	expect(sim.credits).toBe(1);
	const end = await done(r.data.run_id);
	expect(end).toMatchObject({ status: 'completed', progress: 1, charged_cost: 0.01 });
	expect(end.outputs.map((o: Json) => o.type)).toEqual(['audioUrl', 'videoUrl']);
	const mp3 = await axios.get(end.outputs[0].url, { responseType: 'arraybuffer' });
	expect([mp3.status, mp3.headers['content-type']]).toEqual([200, 'audio/mpeg']);
	expect(sim.credits).toBeCloseTo(0.99, 6);
	expect(sim.contract.responseValidator('GET /runs/{runId}', 200)!(end)).toBe(true);
});

test('concat-text-browser joins its texts as its params say, into one text output', async () => {
	const joined = (
		await runAction({
			action_id: 'concat-text-browser',
			inputs: [text(' Hello '), text(''), text('world #duration:1')],
			params: { separator: ', ', suffix: '!' },
		})
	).data;
	const numbered = (
		await runAction({
			action_id: 'concat-text-browser',
			inputs: [text('a'), text('b')],
			params: {
				add_headers: true,
				wrap_each_part: true,
				prefix: '[',
				suffix: ']',
				separator: '\n',
			},
		})
	).data;
	expect((await done(joined.run_id)).outputs).toEqual([
		{ output_id: expect.any(String), type: 'text', url: 'Hello, world!' },
	]);
	expect((await done(numbered.run_id)).outputs[0].url).toBe('[Part 1\na]\n[Part 2\nb]');
	expect(joined.charged_cost).toBe(0);
});

test('inputs fill the slots by name or by type; each misfit is named', async () => {
	const r = await runAction({
		action_id: 'merge-audio-into-video',
		inputs: [
			{ type: 'audio', url: 'https://cdn.example.com/a.mp3', text: 'x' },
			{ type: 'image', url: 'https://cdn.example.com/a.png' },
			{ type: 'video', name: 'soundtrack', url: VIDEO },
			{ type: 'video', name: 'audio', url: VIDEO },
			{ type: 'video', url: 'ftp://files.example.com/v.mp4' },
			{ type: 'video', url: VIDEO },
			{ type: 'gif', url: VIDEO },
			{ type: 'audio', duration: 3 },
			'clip.mp4',
		],
	});
	expect(r.status).toBe(400);
	expect(r.data.error.fields).toEqual([
		{ field: 'inputs[0].text', message: 'is not allowed on an audio input' },
		{
			field: 'inputs[1].type',
			message: 'merge-audio-into-video takes no image input; it takes video, audio',
		},
		{
			field: 'inputs[2].name',
			message: 'unknown input "soundtrack" of merge-audio-into-video; expected one of video, audio',
		},
		{ field: 'inputs[3].type', message: 'input "audio" takes audio, not video' },
		{ field: 'inputs[4].url', message: 'must be an http(s) URL' },
		{ field: 'inputs[5]', message: 'input "video" takes one value; it is given more than once' },
		{ field: 'inputs[6].type', message: 'must be one of image, video, audio, text' },
		{ field: 'inputs[7].duration', message: 'is not allowed' },
		{ field: 'inputs[7]', message: 'input "audio" takes one value; it is given more than once' },
		{ field: 'inputs[8]', message: 'must be an object with type and url or text' },
	]);
	const missing = await runAction({ action_id: 'merge-audio-into-video', inputs: [video()] });
	expect(missing.data.error.fields).toEqual([
		{ field: 'inputs', message: 'missing required input "audio" (audio)' },
	]);
	const textOnMedia = await runAction({ action_id: 'resize-video', inputs: [{ type: 'video' }] });
	expect(textOnMedia.data.error.fields).toEqual([
		{ field: 'inputs[0].url', message: 'is required on a video input' },
	]);
	const empty = await runAction({ action_id: 'resize-video', inputs: [] });
	expect(empty.data.error.fields).toEqual([
		{ field: 'inputs', message: 'must contain at least one input' },
	]);
	expect(sim.runsCreated()).toBe(0);
});

test('a multiple slot takes its min..max values: stitch-videos wants 2 to 10 videos', async () => {
	const one = await runAction({ action_id: 'stitch-videos', inputs: [video()] });
	expect(one.data.error.fields).toEqual([
		{ field: 'inputs', message: 'input "videos" takes at least 2 values, got 1' },
	]);
	const eleven = await runAction({
		action_id: 'stitch-videos',
		inputs: Array.from({ length: 11 }, () => video()),
	});
	expect(eleven.data.error.fields).toEqual([
		{ field: 'inputs[10]', message: 'input "videos" takes at most 10 values' },
	]);
	const three = await runAction({
		action_id: 'stitch-videos',
		inputs: [video(), { ...video(), name: 'videos' }, video()],
	});
	expect(three.status).toBe(201);
	const end = await done(three.data.run_id);
	expect(end.outputs.map((o: Json) => o.type)).toEqual(['videoUrl']);
	expect(sim.getRun(three.data.run_id)!.outputs![0].durationSeconds).toBe(15);
});

test("params are checked against the action's controls, each problem naming params.<key>", async () => {
	const r = await runAction({
		action_id: 'change-video-ar',
		inputs: [video()],
		params: { aspect_ratio: '5:4', blur_amount: 150, pad_color: 'black', fit: true, zoom: 2 },
	});
	expect(r.data.error.fields).toEqual([
		{
			field: 'params.aspect_ratio',
			message: 'must be one of 1:1, 16:9, 9:16, 4:3, 3:4, 3:2, 2:3, 21:9',
		},
		{ field: 'params.blur_amount', message: 'must be a number between 0 and 100' },
		{ field: 'params.pad_color', message: 'must be a colour #rrggbb' },
		{ field: 'params.fit', message: 'must be one of crop, pad' },
		{
			field: 'params.zoom',
			message: expect.stringContaining('is not a parameter of change-video-ar; expected one of'),
		},
	]);
	const crop = await runAction({
		action_id: 'crop-image-browser',
		inputs: [{ type: 'image', url: 'https://cdn.example.com/a.png' }],
		params: { center: { x: 0.5 }, lock_aspect: 'yes', size: { width: 0.5, height: 0.5 } },
	});
	expect(crop.data.error.fields).toEqual([
		{ field: 'params.center', message: 'must be {x, y} with both from 0 to 1' },
		{ field: 'params.lock_aspect', message: 'must be true or false' },
	]);
	const notObject = await runAction({ action_id: 'resize-video', inputs: [video()], params: 'hd' });
	expect(notObject.data.error.fields).toEqual([{ field: 'params', message: 'must be an object' }]);
	const good = await runAction({
		action_id: 'resize-video',
		inputs: [video()],
		params: { resolution: '1080' },
	});
	expect(sim.getRun(good.data.run_id)!.params).toEqual({
		resolution: '1080',
		custom_resolution: 720,
	});
});

test('the body is checked field by field; callback_url is refused (neither the spec nor the SDK has one for actions)', async () => {
	const r = await api(sim).post('/runs/action', {
		action_id: 'concat-text',
		workspace_id: 'ws_sim_studio',
		project_id: 'default',
		callback_url: 'https://hooks.example.com/flora',
	});
	expect(r.status).toBe(400);
	expect(r.data.error.fields).toEqual([
		{ field: 'callback_url', message: 'is not allowed' },
		{
			field: 'action_id',
			message:
				'unknown action id "concat-text"; the browser actions end in -browser: "concat-text-browser"',
		},
		{ field: 'project_id', message: 'must be a project id (prj_…)' },
		{ field: 'inputs', message: 'is required' },
	]);
	const empty = await api(sim).post('/runs/action', {});
	expect(empty.data.error.fields.map((f: Json) => f.field)).toEqual([
		'action_id',
		'workspace_id',
		'project_id',
		'inputs',
	]);
	const notJson = await api(sim).post('/runs/action', '[', {
		headers: { 'content-type': 'application/json' },
		transformRequest: [(d) => d],
	});
	expect([notJson.status, notJson.data.error.code]).toEqual([400, 'invalid_json']);
	const lacking = await runAction({ action_id: 'reverse-video', inputs: [video()] });
	expect([lacking.status, lacking.data.error.code]).toEqual([404, 'not_found']);
	const elsewhere = await runAction({
		action_id: 'resize-video',
		inputs: [video()],
		workspace_id: 'ws_sim_agency',
	});
	expect([elsewhere.status, elsewhere.data.error.code]).toEqual([404, 'not_found']);
	expect(sim.runsCreated()).toBe(0);
});

test('an Idempotency-Key replayed answers 409, with another body 422; a viewer key 403; a short balance 402', async () => {
	const headers = { 'Idempotency-Key': 'action-key-1' };
	const body = { action_id: 'resize-video', inputs: [video()] };
	expect((await runAction(body, headers)).status).toBe(201);
	const again = await runAction(body, headers);
	expect([again.status, again.data.error.code]).toEqual([409, 'idempotency_duplicate']);
	const other = await runAction({ ...body, params: { resolution: '480' } }, headers);
	expect([other.status, other.data.error.code]).toEqual([422, 'idempotency_conflict']);
	expect(sim.runsCreated({ idempotencyKey: 'action-key-1' })).toBe(1);
	const viewer = await api(sim, VIEWER_API_KEY).post('/runs/action', { ...WHERE, ...body });
	expect([viewer.status, viewer.data.error.code]).toEqual([403, 'forbidden']);
	sim.setCredits(0.01);
	const short = await runAction(body);
	expect([short.status, short.data.error.code]).toEqual([402, 'insufficient_credits']);
	const free = await runAction({ action_id: 'concat-text-browser', inputs: [text('a')] });
	expect(free.status).toBe(201);
	expect(sim.runsCreated()).toBe(2);
});

test('a #fail: token in a text input fails the run uncharged; an unreachable URL fails with input_unreachable; scriptNextRun takes an action id', async () => {
	const failed = (
		await runAction({ action_id: 'concat-text-browser', inputs: [text('x #fail:internal_error')] })
	).data;
	const unreachable = (
		await runAction({
			action_id: 'resize-video',
			inputs: [video('https://unreachable.invalid/v.mp4')],
		})
	).data;
	sim.scriptNextRun('split-audio-from-video', {
		outcome: 'failed',
		errorCode: 'provider_error',
		durationSeconds: 1,
	});
	const scripted = (await runAction({ action_id: 'split-audio-from-video', inputs: [video()] }))
		.data;
	const [f, u, s] = await Promise.all([failed, unreachable, scripted].map((r) => done(r.run_id)));
	expect(f).toMatchObject({
		status: 'failed',
		error_code: 'internal_error',
		error_message: 'An internal error occurred while running the action.',
		charged_cost: 0,
	});
	expect(u).toMatchObject({ status: 'failed', error_code: 'input_unreachable', charged_cost: 0 });
	expect(s).toMatchObject({ status: 'failed', error_code: 'provider_error' });
	expect(sim.credits).toBe(1000);
});

test('an action run is read by id only, and is neither a generation nor a technique run', async () => {
	const run = (
		await runAction({
			action_id: 'resize-image-browser',
			inputs: [{ type: 'image', url: 'https://cdn.example.com/a.png' }],
		})
	).data;
	const end = await done(run.run_id);
	expect(end.outputs.map((o: Json) => o.type)).toEqual(['imageUrl']);
	expect((await api(sim).get(`/techniques/voiceover/runs/${run.run_id}`)).status).toBe(404);
	expect((await api(sim).get('/generations')).data.generations).toEqual([]);
	expect((await api(sim).get('/technique-runs')).data.technique_runs).toEqual([]);
	const list = await api(sim).get('/projects', { params: { workspace_id: 'ws_sim_studio' } });
	expect(list.data.projects[0].project_id).toBe('prj_sim_default');
});
