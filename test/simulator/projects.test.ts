/** Projects: GET /projects (a workspace's, most recently active first, searched by name, paged), POST /projects (validation, idempotency, roles) and GET /projects/{projectId}. */
import {
	DEFAULT_PROJECT_ID,
	VIEWER_API_KEY,
	startSimulator,
	type Simulator,
} from '../../simulator';
import { api, type Json } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 100 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const STUDIO = 'ws_sim_studio';

test('GET /projects lists the seeded projects of a workspace, most recently active first', async () => {
	const r = await api(sim).get('/projects', { params: { workspace_id: STUDIO } });
	expect(r.status).toBe(200);
	expect(r.data.projects.map((p: Json) => p.project_id)).toEqual([
		'prj_sim_spring_campaign',
		DEFAULT_PROJECT_ID,
		'prj_sim_autumn_lookbook',
	]);
	expect(r.data.projects[1]).toEqual({
		project_id: DEFAULT_PROJECT_ID,
		name: 'Simulator Default',
		workspace_id: STUDIO,
		origin: 'app',
		last_modified: expect.any(Number),
		created_at: expect.any(Number),
	});
	expect(r.data.projects[2]).toMatchObject({ origin: null, last_modified: null });
	expect(r.data.meta).toEqual({ next_cursor: null, total_estimate: 3 });
	const agency = await api(sim).get('/projects', { params: { workspace_id: 'ws_sim_agency' } });
	expect(agency.data.projects.map((p: Json) => p.project_id)).toEqual(['prj_sim_agency_pitch']);
});

test('GET /projects searches names case-insensitively and pages by cursor bound to its query', async () => {
	const found = await api(sim).get('/projects', {
		params: { workspace_id: STUDIO, query: 'CAMPAIGN' },
	});
	expect(found.data.projects.map((p: Json) => p.name)).toEqual(['Spring Campaign']);
	const seen: string[] = [];
	let cursor: string | undefined;
	let pages = 0;
	do {
		const r = await api(sim).get('/projects', {
			params: { workspace_id: STUDIO, limit: 2, ...(cursor ? { cursor } : {}) },
		});
		expect(r.status).toBe(200);
		seen.push(...r.data.projects.map((p: Json) => p.project_id));
		cursor = r.data.meta.next_cursor ?? undefined;
		pages++;
	} while (cursor);
	expect([pages, seen.length, new Set(seen).size]).toEqual([2, 3, 3]);
	const first = await api(sim).get('/projects', { params: { workspace_id: STUDIO, limit: 1 } });
	const other = await api(sim).get('/projects', {
		params: { workspace_id: STUDIO, query: 'lookbook', cursor: first.data.meta.next_cursor },
	});
	expect([other.status, other.data.error.fields[0].field]).toEqual([400, 'cursor']);
});

test('GET /projects needs workspace_id: missing or malformed answers 400 naming it, unknown 404', async () => {
	const missing = await api(sim).get('/projects');
	expect(missing.status).toBe(400);
	expect(missing.data.error).toMatchObject({
		code: 'input_validation_error',
		fields: [{ field: 'workspace_id', message: 'is required' }],
	});
	const malformed = await api(sim).get('/projects', { params: { workspace_id: 'studio' } });
	expect([malformed.status, malformed.data.error.fields[0].field]).toEqual([400, 'workspace_id']);
	const unknown = await api(sim).get('/projects', { params: { workspace_id: 'ws_nope' } });
	expect([unknown.status, unknown.data.error.code]).toEqual([404, 'not_found']);
	const limit = await api(sim).get('/projects', { params: { workspace_id: STUDIO, limit: 0 } });
	expect([limit.status, limit.data.error.fields[0].field]).toEqual([400, 'limit']);
});

test('POST /projects creates a project made by the API, listed first and read by id', async () => {
	const r = await api(sim).post('/projects', { workspace_id: STUDIO, name: '  Summer Launch ' });
	expect(r.status).toBe(201);
	expect(r.data).toEqual({
		project_id: expect.stringMatching(/^prj_[0-9a-f]+$/),
		name: 'Summer Launch',
		workspace_id: STUDIO,
		origin: 'api',
		last_modified: r.data.created_at,
		created_at: expect.any(Number),
	});
	const list = await api(sim).get('/projects', { params: { workspace_id: STUDIO } });
	expect(list.data.projects[0].project_id).toBe(r.data.project_id);
	expect(list.data.meta.total_estimate).toBe(4);
	const one = await api(sim).get(`/projects/${r.data.project_id}`);
	expect([one.status, one.data]).toEqual([200, r.data]);
});

test('POST /projects names every bad field; a viewer key is refused; an unknown workspace is 404', async () => {
	const bad = await api(sim).post('/projects', {
		workspace_id: 'studio',
		name: '   ',
		color: 'red',
	});
	expect(bad.status).toBe(400);
	expect(bad.data.error.fields).toEqual([
		{ field: 'color', message: 'is not allowed' },
		{ field: 'workspace_id', message: 'must be a workspace id (ws_…)' },
		{ field: 'name', message: 'must be a non-empty string' },
	]);
	const missing = await api(sim).post('/projects', {});
	expect(missing.data.error.fields.map((f: Json) => f.field)).toEqual(['workspace_id', 'name']);
	const notJson = await api(sim).post('/projects', '{"name":', {
		headers: { 'content-type': 'application/json' },
		transformRequest: [(d) => d],
	});
	expect([notJson.status, notJson.data.error.code]).toEqual([400, 'invalid_json']);
	const viewer = await api(sim, VIEWER_API_KEY).post('/projects', {
		workspace_id: STUDIO,
		name: 'x',
	});
	expect([viewer.status, viewer.data.error.code]).toEqual([403, 'forbidden']);
	const unknown = await api(sim).post('/projects', { workspace_id: 'ws_nope', name: 'x' });
	expect([unknown.status, unknown.data.error.code]).toEqual([404, 'not_found']);
	const list = await api(sim).get('/projects', { params: { workspace_id: STUDIO } });
	expect(list.data.meta.total_estimate).toBe(3);
});

test('POST /projects with an Idempotency-Key: an exact replay answers 409, another body 422; one project is made', async () => {
	const headers = { 'Idempotency-Key': 'project-key-1' };
	const body = { workspace_id: STUDIO, name: 'Keyed' };
	expect((await api(sim).post('/projects', body, { headers })).status).toBe(201);
	const again = await api(sim).post('/projects', body, { headers });
	expect([again.status, again.data.error.code]).toEqual([409, 'idempotency_duplicate']);
	const other = await api(sim).post('/projects', { ...body, name: 'Other' }, { headers });
	expect([other.status, other.data.error.code]).toEqual([422, 'idempotency_conflict']);
	const list = await api(sim).get('/projects', {
		params: { workspace_id: STUDIO, query: 'keyed' },
	});
	expect(list.data.projects).toHaveLength(1);
});

test('GET /projects/{projectId} answers 400 naming projectId for an id that is not prj_…, 404 for an unknown one', async () => {
	const bad = await api(sim).get('/projects/project-1');
	expect(bad.status).toBe(400);
	expect(bad.data.error.fields).toEqual([
		{ field: 'projectId', message: 'must be a project id (prj_…)' },
	]);
	const unknown = await api(sim).get('/projects/prj_missing');
	expect(unknown.data).toEqual({
		error: { code: 'not_found', message: 'Project "prj_missing" was not found.' },
	});
	const anon = await api(sim, null).get(`/projects/${DEFAULT_PROJECT_ID}`);
	expect(anon.status).toBe(401);
});

test('reset() brings back the seeded projects only', async () => {
	await api(sim).post('/projects', { workspace_id: STUDIO, name: 'Temporary' });
	sim.reset();
	const list = await api(sim).get('/projects', { params: { workspace_id: STUDIO } });
	expect(list.data.projects.map((p: Json) => p.name)).not.toContain('Temporary');
	expect(list.data.meta.total_estimate).toBe(3);
});
