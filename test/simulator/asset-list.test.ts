/** GET /assets (newest first, filters, search, cursor pages) and POST /assets/{assetId}/retry (a fresh reservation for a failed or expired signed upload, nothing else), with the expireUpload control. */
import axios from 'axios';
import { VIEWER_API_KEY, startSimulator, type Simulator } from '../../simulator';
import { api, type Json } from './helpers';

let sim: Simulator;
let control: string;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 100 });
	control = sim.baseUrl.replace(/\/api\/v1$/, '/_simulator');
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const STUDIO = 'ws_sim_studio';
const reserve = (file_name: string, extra: Json = {}) =>
	api(sim).post('/assets', {
		source: 'signed-url',
		workspace_id: STUDIO,
		file_name,
		content_type: 'image/png',
		...extra,
	});

/** Send bytes to a signed reservation's form target; answers the status. */
async function upload(reservation: Json, bytes = Buffer.alloc(500, 3)): Promise<number> {
	const f = new FormData();
	for (const [k, v] of Object.entries<string>(reservation.upload.form_fields)) f.append(k, v);
	f.append('file', new Blob([bytes], { type: 'image/png' }), 'x.png');
	return (await fetch(reservation.upload.url, { method: 'POST', body: f })).status;
}

test('GET /assets lists assets newest first in the AssetListItem shape, with created_at in unix ms', async () => {
	const a = (await reserve('first.png')).data;
	const b = (await reserve('second.png', { project_id: 'prj_sim_spring_campaign' })).data;
	const r = await api(sim).get('/assets');
	expect(r.status).toBe(200);
	expect(r.data.assets.map((x: Json) => x.asset_id)).toEqual([b.asset_id, a.asset_id]);
	expect(r.data.assets[0]).toEqual({
		asset_id: b.asset_id,
		name: 'second.png',
		description: null,
		workspace_id: STUDIO,
		url: null,
		content_type: 'image/png',
		upload_content_type: 'image/png',
		uploaded_via: 'signed_url',
		status: 'pending_upload',
		width: null,
		height: null,
		size_bytes: null,
		created_at: expect.any(Number),
		node_id: null,
		project_id: 'prj_sim_spring_campaign',
	});
	const one = await api(sim).get(`/assets/${b.asset_id}`);
	expect(Date.parse(one.data.created_at)).toBe(r.data.assets[0].created_at);
	expect(r.data.meta).toEqual({ next_cursor: null, total_estimate: 2 });
	const v = sim.contract.responseValidator('GET /assets', 200)!;
	expect({ valid: v(r.data), errors: v.errors }).toEqual({ valid: true, errors: null });
});

test('GET /assets filters by workspace and project, searches names, and pages by cursor', async () => {
	const ids: string[] = [];
	for (let i = 0; i < 5; i++) ids.push((await reserve(`shot-${i}.png`)).data.asset_id);
	const inProject = (await reserve('hero.png', { project_id: 'prj_sim_default' })).data.asset_id;
	const seen: string[] = [];
	let cursor: string | undefined;
	do {
		const r = await api(sim).get('/assets', {
			params: { limit: 4, ...(cursor ? { cursor } : {}) },
		});
		seen.push(...r.data.assets.map((x: Json) => x.asset_id));
		cursor = r.data.meta.next_cursor ?? undefined;
	} while (cursor);
	expect(seen).toEqual([inProject, ...[...ids].reverse()]);
	const search = await api(sim).get('/assets', { params: { query: 'SHOT-3' } });
	expect(search.data.assets.map((x: Json) => x.asset_id)).toEqual([ids[3]]);
	const project = await api(sim).get('/assets', { params: { project_id: 'prj_sim_default' } });
	expect(project.data.assets.map((x: Json) => x.asset_id)).toEqual([inProject]);
	const agency = await api(sim).get('/assets', { params: { workspace_id: 'ws_sim_agency' } });
	expect(agency.data).toEqual({ assets: [], meta: { next_cursor: null, total_estimate: 0 } });
	for (const [params, status, field] of [
		[{ workspace_id: 'studio' }, 400, 'workspace_id'],
		[{ project_id: 'default' }, 400, 'project_id'],
		[{ cursor: 'x' }, 400, 'cursor'],
		[{ limit: 0 }, 400, 'limit'],
	] as const) {
		const bad = await api(sim).get('/assets', { params });
		expect([bad.status, bad.data.error.fields[0].field]).toEqual([status, field]);
	}
	expect((await api(sim).get('/assets', { params: { workspace_id: 'ws_nope' } })).status).toBe(404);
});

test('a ready asset is listed with its URL and size', async () => {
	const r = (await reserve('done.png')).data;
	expect(await upload(r)).toBe(204);
	expect((await api(sim).post(`/assets/${r.asset_id}/complete`)).status).toBe(200);
	const [entry] = (await api(sim).get('/assets')).data.assets;
	expect(entry).toMatchObject({
		status: 'ready',
		size_bytes: 500,
		url: expect.stringMatching(/^http/),
	});
});

test('retrying an expired signed upload answers a fresh reservation: same asset, new form and token, old ones refused', async () => {
	const r = (await reserve('late.png')).data;
	sim.expireUpload(r.asset_id);
	expect(await upload(r)).toBe(403);
	const retry = await api(sim).post(`/assets/${r.asset_id}/retry`);
	expect(retry.status).toBe(200);
	expect(retry.data).toEqual({
		asset_id: r.asset_id,
		status: 'pending_upload',
		uploaded_via: 'signed_url',
		url: r.url,
		visibility: 'workspace',
		workspace_id: STUDIO,
		failure_message: null,
		expires_at: expect.any(String),
		upload: expect.objectContaining({ method: 'POST', file_field: 'file' }),
		upload_url: expect.stringContaining('?token='),
	});
	expect(Date.parse(retry.data.expires_at)).toBeGreaterThan(Date.now() + 3500_000);
	expect(retry.data.upload_url).not.toBe(r.upload_url);
	const v = sim.contract.responseValidator('POST /assets/{assetId}/retry', 200)!;
	expect({ valid: v(retry.data), errors: v.errors }).toEqual({ valid: true, errors: null });
	expect(await upload(r)).toBe(403); // the earlier reservation's form
	expect(
		(await axios.put(r.upload_url, Buffer.alloc(10), { validateStatus: () => true })).status,
	).toBe(403);
	expect(await upload(retry.data)).toBe(204);
	const done = await api(sim).post(`/assets/${r.asset_id}/complete`);
	expect([done.status, done.data.status, done.data.size_bytes]).toEqual([200, 'ready', 500]);
});

test('retrying a failed signed upload clears its failure and the bytes sent before', async () => {
	const r = (await reserve('broken.png')).data;
	expect(await upload(r)).toBe(204);
	sim.expireUpload(r.asset_id, 'The upload could not be processed.');
	const failed = await api(sim).get(`/assets/${r.asset_id}`);
	expect(failed.data).toMatchObject({
		status: 'failed',
		failure_message: 'The upload could not be processed.',
	});
	const retry = await api(sim).post(`/assets/${r.asset_id}/retry`);
	expect([retry.status, retry.data.status, retry.data.failure_message]).toEqual([
		200,
		'pending_upload',
		null,
	]);
	const after = await api(sim).get(`/assets/${r.asset_id}`);
	expect(after.data).toMatchObject({
		status: 'pending_upload',
		size_bytes: null,
		failure_message: null,
	});
	const complete = await api(sim).post(`/assets/${r.asset_id}/complete`);
	expect([complete.status, complete.data.error.code]).toEqual([409, 'conflict']);
});

test('only a failed or expired signed upload can be retried: anything else answers 409 conflict', async () => {
	const open = (await reserve('open.png')).data;
	const stillOpen = await api(sim).post(`/assets/${open.asset_id}/retry`);
	expect([stillOpen.status, stillOpen.data.error.code]).toEqual([409, 'conflict']);
	expect(stillOpen.data.error.message).toContain('has not expired');
	const fetched = (
		await api(sim).post('/assets', {
			source: 'https://images.example.com/cat.png',
			workspace_id: STUDIO,
		})
	).data;
	const notSigned = await api(sim).post(`/assets/${fetched.asset_id}/retry`);
	expect([notSigned.status, notSigned.data.error.message]).toEqual([
		409,
		`Asset "${fetched.asset_id}" was not a signed upload (url); only those can be retried.`,
	]);
	const ready = (await reserve('ready.png')).data;
	await upload(ready);
	await api(sim).post(`/assets/${ready.asset_id}/complete`);
	expect((await api(sim).post(`/assets/${ready.asset_id}/retry`)).status).toBe(409);
});

test('retry: 400 naming assetId for an id that is not asset_…, 404 unknown, 403 viewer, idempotency 409/422', async () => {
	const bad = await api(sim).post('/assets/upload-1/retry');
	expect(bad.data.error.fields).toEqual([
		{ field: 'assetId', message: 'must be an asset id (asset_…)' },
	]);
	const unknown = await api(sim).post('/assets/asset_missing/retry');
	expect([unknown.status, unknown.data.error.code]).toEqual([404, 'not_found']);
	const a = (await reserve('a.png')).data;
	const b = (await reserve('b.png')).data;
	sim.expireUpload(a.asset_id);
	sim.expireUpload(b.asset_id);
	const viewer = await api(sim, VIEWER_API_KEY).post(`/assets/${a.asset_id}/retry`);
	expect([viewer.status, viewer.data.error.code]).toEqual([403, 'forbidden']);
	const headers = { 'Idempotency-Key': 'retry-1' };
	expect((await api(sim).post(`/assets/${a.asset_id}/retry`, undefined, { headers })).status).toBe(
		200,
	);
	const again = await api(sim).post(`/assets/${a.asset_id}/retry`, undefined, { headers });
	expect([again.status, again.data.error.code]).toEqual([409, 'idempotency_duplicate']);
	const other = await api(sim).post(`/assets/${b.asset_id}/retry`, undefined, { headers });
	expect([other.status, other.data.error.code]).toEqual([422, 'idempotency_conflict']);
});

test('expireUpload over HTTP (POST /_simulator/assets/{assetId}/expire), and it refuses what is not a pending signed upload', async () => {
	const r = (await reserve('http.png')).data;
	expect(
		(await axios.post(`${control}/assets/${r.asset_id}/expire`, { failureMessage: 'gone' })).data,
	).toEqual({
		ok: true,
	});
	expect((await api(sim).get(`/assets/${r.asset_id}`)).data).toMatchObject({
		status: 'failed',
		failure_message: 'gone',
	});
	const again = await axios.post(
		`${control}/assets/${r.asset_id}/expire`,
		{},
		{ validateStatus: () => true },
	);
	expect([again.status, again.data.error]).toEqual([
		400,
		`no pending signed upload "${r.asset_id}"`,
	]);
});
