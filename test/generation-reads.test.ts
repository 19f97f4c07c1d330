/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/* Generation → Get and Get Many, Model → Get Many, and the model picker and parameter fields. */
import axios from 'axios';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { DEFAULT_API_KEY, MODELS } from '../simulator';
import { callListSearch, callResourceMapper } from './harness/engine';
import { FLORA_NODE, floraCredentials, runFlora, useSimulator } from './harness/flora';
import {
	GENERATIONS_ROUTE,
	MODELS_ROUTE,
	PROJECT_ID,
	READ_ANY_RUN_ROUTE,
	WORKSPACE_ID,
	modelLocator,
	operation,
} from './harness/generation';

const flora = useSimulator({ timeScale: 50 });
const NODE_TYPE = 'n8n-nodes-flora.floraTechnique';
const GENERATE = { resource: 'generation', operation: 'generate' };

/** Generations started straight against FLORA's API, oldest first. */
async function startGenerations(count: number, body: IDataObject = {}) {
	const api = axios.create({
		baseURL: flora.sim.baseUrl,
		headers: { Authorization: `Bearer ${DEFAULT_API_KEY}` },
	});
	const ids: string[] = [];
	for (let index = 0; index < count; index++) {
		const { data } = await api.post('/generate', {
			type: 'image',
			prompt: `shot ${index}`,
			workspace_id: WORKSPACE_ID,
			project_id: PROJECT_ID,
			...body,
		});
		ids.push(data.run_id);
	}
	flora.sim.requests.length = 0;
	return ids;
}

const read = (resource: string, name: string, parameters: INodeParameters) =>
	runFlora(flora.sim, operation(resource, name, parameters), { typeVersion: 2 });

describe('Generation → Get', () => {
	test('reads one generation by its run ID, as FLORA gives it', async () => {
		const [runId] = await startGenerations(1, { model: 't2i-aurora-2-fast', prompt: 'a mug' });

		const result = await read('generation', 'get', { runId });

		const [item] = result.items(FLORA_NODE);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json).toMatchObject({
			run_id: runId,
			status: flora.sim.getRun(runId)!.status,
			poll_url: expect.stringContaining(`/runs/${runId}`),
		});
		expect(flora.sim.requests.map((request) => request.route)).toEqual([READ_ANY_RUN_ROUTE]);
	});

	test('refuses an ID that is not a run ID before any request, naming the field', async () => {
		const result = await read('generation', 'get', { runId: 'gen_42' });

		expect(result.nodes[FLORA_NODE].error!.message).toBe('Run ID must start with "run_"');
		expect(flora.sim.requests).toEqual([]);
	});

	test('an unknown run is FLORA’s 404, said as such', async () => {
		const result = await read('generation', 'get', { runId: 'run_unknown' });

		expect(result.nodes[FLORA_NODE].error!.message).toMatch(/could not find/);
	});
});

describe('Generation → Get Many', () => {
	test('Return All follows every cursor page, newest first', async () => {
		const started = await startGenerations(130, { model: 't2i-aurora-2-fast' });

		const result = await read('generation', 'getMany', { returnAll: true });

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.json.run_id)).toEqual([...started].reverse());
		const pages = flora.sim.requests.filter((request) => request.route === GENERATIONS_ROUTE);
		expect(pages).toHaveLength(2);
		expect(pages[0].query.cursor).toBeUndefined();
		expect(pages[1].query.cursor).toEqual(expect.any(String));
		expect(items[0].json).toMatchObject({
			generation_id: started[129],
			workspace_id: WORKSPACE_ID,
		});
		expect(new Set(items.map((item) => JSON.stringify(item.pairedItem)))).toEqual(
			new Set([JSON.stringify({ item: 0 })]),
		);
	});

	test('a limit returns that many of the newest, with one request', async () => {
		const started = await startGenerations(8);

		const result = await read('generation', 'getMany', { returnAll: false, limit: 3 });

		expect(result.items(FLORA_NODE).map((item) => item.json.run_id)).toEqual(
			started.slice(-3).reverse(),
		);
		expect(flora.sim.requests).toHaveLength(1);
		expect(flora.sim.requests[0].query.limit).toBe('3');
	});

	test('filters by workspace, project and status', async () => {
		const failed = await startGenerations(2, { prompt: 'bad #fail:provider_error #duration:1' });
		await startGenerations(2, { project_id: 'prj_sim_spring_campaign', prompt: 'spring' });
		await new Promise((resolve) => setTimeout(resolve, 300));

		const byProject = await read('generation', 'getMany', {
			returnAll: true,
			filters: { workspaceId: WORKSPACE_ID, projectId: 'prj_sim_spring_campaign' },
		});
		const byStatus = await read('generation', 'getMany', {
			returnAll: true,
			filters: { status: 'failed' },
		});

		expect(byProject.items(FLORA_NODE)).toHaveLength(2);
		for (const item of byProject.items(FLORA_NODE))
			expect(item.json.project_id).toBe('prj_sim_spring_campaign');
		expect(byStatus.items(FLORA_NODE).map((item) => item.json.run_id)).toEqual(
			[...failed].reverse(),
		);
		const [projectQuery, statusQuery] = flora.sim.requests.map((request) => request.query);
		expect(projectQuery).toMatchObject({
			workspace_id: WORKSPACE_ID,
			project_id: 'prj_sim_spring_campaign',
		});
		expect(statusQuery).toMatchObject({ status: 'failed' });
	});

	test('a malformed project ID is refused before it is sent', async () => {
		const result = await read('generation', 'getMany', {
			returnAll: true,
			filters: { projectId: 'spring' },
		});

		expect(result.nodes[FLORA_NODE].error!.message).toBe('Project ID must start with "prj_"');
		expect(flora.sim.requests).toEqual([]);
	});
});

describe('Model → Get Many', () => {
	test('All lists every model FLORA offers, with its parameters and estimates', async () => {
		const result = await read('model', 'getMany', { modelType: 'all', returnAll: true });

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.json.model_id)).toEqual(MODELS.map((model) => model.model_id));
		expect(items[0].json).toMatchObject({
			estimated_credits: expect.any(Number),
			estimated_seconds: expect.any(Number),
			params: expect.any(Array),
		});
		expect(flora.sim.requests[0].query).toEqual({});
	});

	test('a type asks FLORA for that type only; a limit keeps the first ones', async () => {
		const video = await read('model', 'getMany', { modelType: 'video', returnAll: true });
		const limited = await read('model', 'getMany', { modelType: 'image', limit: 2 });

		expect(video.items(FLORA_NODE).map((item) => item.json.model_id)).toEqual([
			't2v-drift-1-5',
			'i2v-drift-1-5',
		]);
		expect(limited.items(FLORA_NODE).map((item) => item.json.model_id)).toEqual([
			't2i-aurora-2-pro',
			't2i-aurora-2-fast',
		]);
		expect(flora.sim.requests.map((request) => request.query.type)).toEqual(['video', 'image']);
	});

	test('search words and a capability narrow the list', async () => {
		const search = await read('model', 'getMany', {
			returnAll: true,
			filters: { query: 'aurora fast' },
		});
		const capability = await read('model', 'getMany', {
			returnAll: true,
			filters: { capability: 'Image-Editing' },
		});

		expect(search.items(FLORA_NODE).map((item) => item.json.model_id)).toEqual([
			't2i-aurora-2-fast',
		]);
		expect(capability.items(FLORA_NODE).map((item) => item.json.model_id)).toEqual([
			'i2i-aurora-2-edit',
		]);
	});
});

describe('the model picker and the Model Parameters fields', () => {
	const credentials = () => floraCredentials(flora.sim)!;

	test('the picker lists the models of the chosen type, with provider, credits and seconds', async () => {
		const video = await callListSearch(NODE_TYPE, 'searchModels', {
			parameters: { resource: 'generation', operation: 'generate', generationType: 'video' },
			credentials: credentials(),
		});
		const filtered = await callListSearch(NODE_TYPE, 'searchModels', {
			parameters: { resource: 'generation', operation: 'generate', generationType: 'image' },
			credentials: credentials(),
			filter: 'edit',
		});

		expect(video.results.map((result) => [result.name, result.value])).toEqual([
			// n8n 2.x shows only the names of list results: the estimate is in the name too.
			['Drift 1.5 (60 credits)', 't2v-drift-1-5'],
			['Drift 1.5 Image to Video (beta, 70 credits)', 'i2v-drift-1-5'],
		]);
		expect(video.results[0].description).toBe(
			'Drift Motion · about 60 credits and 90 s a run · text-to-video',
		);
		expect(video.paginationToken).toBeUndefined();
		expect(filtered.results.map((result) => result.value)).toEqual(['i2i-aurora-2-edit']);
		expect(flora.sim.requests.map((request) => request.query.type)).toEqual(['video', 'image']);
	});

	test('one field per parameter of the model: required marked, options, ranges in the label, types', async () => {
		const mapping = (generationType: string, model: string) =>
			callResourceMapper(NODE_TYPE, 'getModelParamFields', {
				parameters: {
					resource: 'generation',
					operation: 'generate',
					generationType,
					model: modelLocator(model, 'list'),
				},
				credentials: credentials(),
			});
		const video = await mapping('video', 't2v-drift-1-5');
		const edit = await mapping('image', 'i2i-aurora-2-edit');

		const byId = Object.fromEntries(video.fields.map((field) => [field.id, field]));
		expect(Object.keys(byId)).toEqual(['duration', 'aspect_ratio', 'fps', 'camera', 'seed']);
		expect(byId.duration).toMatchObject({ type: 'number', required: false, defaultValue: 5 });
		expect(byId.duration.displayName).toContain('2–10');
		expect(byId.aspect_ratio).toMatchObject({
			type: 'options',
			options: [
				{ name: '16:9', value: '16:9' },
				{ name: '9:16', value: '9:16' },
				{ name: '1:1', value: '1:1' },
			],
		});
		expect(byId.camera.type).toBe('object');
		expect(byId.seed.type).toBe('number');
		const images = edit.fields.find((field) => field.id === 'image_urls')!;
		expect(images).toMatchObject({ type: 'array', required: true });
		for (const field of [...video.fields, ...edit.fields])
			expect(field.displayName.length).toBeLessThanOrEqual(24);
	});

	test('no model, or one FLORA does not offer for the type, gives no fields and says why', async () => {
		const none = await callResourceMapper(NODE_TYPE, 'getModelParamFields', {
			parameters: { ...GENERATE, generationType: 'image', model: modelLocator('', 'list') },
			credentials: credentials(),
		});
		const unknown = await callResourceMapper(NODE_TYPE, 'getModelParamFields', {
			parameters: { ...GENERATE, generationType: 'audio', model: modelLocator('t2i-aurora-2-pro') },
			credentials: credentials(),
		});

		expect(none).toEqual({ fields: [], emptyFieldsNotice: expect.stringMatching(/FLORA picks/) });
		expect(flora.sim.countRequests(MODELS_ROUTE)).toBe(1);
		expect(unknown).toEqual({
			fields: [],
			emptyFieldsNotice: 'FLORA offers no audio model "t2i-aurora-2-pro"',
		});
	});
});
