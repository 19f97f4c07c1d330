import axios from 'axios';

import { DEFAULT_API_KEY } from '../simulator';
import { runWorkflow } from './harness/engine';
import {
	FLORA_NODE,
	floraCredentials,
	loadWorkflow,
	runFlora,
	technique,
	useSimulator,
} from './harness/flora';

const flora = useSimulator({ timeScale: 20 });

async function startRunsDirectly(count: number) {
	const api = axios.create({
		baseURL: flora.sim.baseUrl,
		headers: { Authorization: `Bearer ${DEFAULT_API_KEY}` },
	});
	const ids: string[] = [];
	for (let index = 0; index < count; index++) {
		const { data } = await api.post('/techniques/voiceover/runs', {
			inputs: [{ id: 'script', type: 'text', value: `line ${index}` }],
			mode: 'async',
		});
		ids.push(data.run_id);
	}
	return ids;
}

describe('Technique → Get and Get Many', () => {
	test('Get reads one technique by slug, with its slots and run cost', async () => {
		const result = await runFlora(
			flora.sim,
			{ resource: 'technique', operation: 'get', technique: technique('product-shot') },
			{ typeVersion: 2 },
		);

		const [item] = result.items(FLORA_NODE);
		expect(item.json).toMatchObject({
			technique_id: 'tech_product_shot',
			name: 'Product Shot',
			run_cost: 0.12,
		});
		expect((item.json.inputs as unknown[]).length).toBe(3);
		expect(item.pairedItem).toEqual({ item: 0 });
	});

	test('Get Many with Return All lists the whole catalogue', async () => {
		const result = await runFlora(
			flora.sim,
			{ resource: 'technique', operation: 'getMany', returnAll: true },
			{ typeVersion: 2 },
		);

		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(46);
		expect(new Set(items.map((item) => item.json.technique_id)).size).toBe(46);
	});

	test('Get Many with a search and a limit returns at most that many matches', async () => {
		const result = await runFlora(
			flora.sim,
			{
				resource: 'technique',
				operation: 'getMany',
				returnAll: false,
				limit: 3,
				filters: { query: 'studio' },
			},
			{ typeVersion: 2 },
		);

		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(3);
		for (const item of items)
			expect(`${item.json.name} ${item.json.description}`).toMatch(/studio/i);
		expect(flora.sim.requests[0].query).toMatchObject({ query: 'studio', limit: '3' });
	});
});

describe('Run → Get, Get Many and Wait', () => {
	test('Get Many with Return All follows every cursor page, newest first', async () => {
		const started = await startRunsDirectly(130);
		flora.sim.requests.length = 0;

		const result = await runFlora(
			flora.sim,
			{
				resource: 'run',
				operation: 'getMany',
				returnAll: true,
				filters: { technique: 'voiceover' },
			},
			{ typeVersion: 2 },
		);

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.json.run_id)).toEqual([...started].reverse());
		const pages = flora.sim.requests.filter((request) => request.route === 'GET /technique-runs');
		expect(pages.length).toBe(2);
		expect(pages[1].query.cursor).toEqual(expect.any(String));
		expect(pages[0].query.technique_id).toBe('tech_voiceover');
	});

	test('Get Many refuses a malformed project ID before sending it', async () => {
		const result = await runFlora(
			flora.sim,
			{
				resource: 'run',
				operation: 'getMany',
				returnAll: true,
				filters: { projectId: 'project-7' },
			},
			{ typeVersion: 2 },
		);

		expect(result.nodes[FLORA_NODE].error!.message).toBe('Project ID must start with "prj_"');
		expect(flora.sim.requests).toHaveLength(0);
	});

	test('Get reads one run by technique and run ID', async () => {
		const [runId] = await startRunsDirectly(1);

		const result = await runFlora(
			flora.sim,
			{ resource: 'run', operation: 'get', technique: technique('voiceover'), runId },
			{ typeVersion: 2 },
		);

		expect(result.items(FLORA_NODE)[0].json).toMatchObject({
			run_id: runId,
			technique_id: 'tech_voiceover',
		});
	});

	test('Wait picks up a run started earlier in the workflow and emits its outputs', async () => {
		const result = await runWorkflow(loadWorkflow('start-then-wait.json'), {
			credentials: floraCredentials(flora.sim),
		});

		expect(result.status).toBe('success');
		const [started] = result.items('Start Run');
		const [finished] = result.items('Wait for Run');
		expect(finished.json).toMatchObject({
			run_id: started.json.run_id,
			technique_id: 'tech_art_directors_critique',
			status: 'completed',
		});
		expect((finished.json.outputs as Array<{ type: string }>).map((output) => output.type)).toEqual(
			['text', 'documentUrl'],
		);
		expect(flora.sim.runsCreated()).toBe(1);
	});
});
