/* Project → Create, Get and Get Many, and a project picked By Name in a run. */
import { DEFAULT_WORKSPACE_ID } from '../simulator';
import { ACTION_ROUTE, actionRun, locator, operation, WORKSPACE } from './harness/actions';
import { FLORA_NODE, runFlora, useSimulator } from './harness/flora';

const flora = useSimulator({ timeScale: 20 });
const V2 = { typeVersion: 2 };
const CREATE = 'POST /projects';

const create = (name: string) => operation('project', 'create', { workspace: WORKSPACE, name });
const projectsNamed = async (name: string) => {
	const result = await runFlora(
		flora.sim,
		operation('project', 'getMany', {
			workspace: WORKSPACE,
			returnAll: true,
			filters: { query: name },
		}),
		V2,
	);
	return result.items(FLORA_NODE).filter((item) => item.json.name === name);
};

describe('Project → Create', () => {
	test('creates the project in the workspace, with an idempotency key, and outputs it', async () => {
		const result = await runFlora(flora.sim, create('Summer Drop'), V2);

		const [item] = result.items(FLORA_NODE);
		expect(item.json).toMatchObject({
			project_id: expect.stringMatching(/^prj_/),
			name: 'Summer Drop',
			workspace_id: DEFAULT_WORKSPACE_ID,
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		const [request] = flora.sim.requests.filter((r) => r.route === CREATE);
		expect(request.headers['idempotency-key']).toEqual(expect.stringMatching(/\S{8,}/));
		expect(await projectsNamed('Summer Drop')).toHaveLength(1);
	});

	test('a create whose answer is lost is retried with the same key and recovered by name, not doubled', async () => {
		flora.sim.injectFault({ route: CREATE, kind: 'dropAfterHandling' });
		const result = await runFlora(flora.sim, create('Lost Answer'), V2);

		expect(result.error?.message).toBeUndefined();
		const creates = flora.sim.requests.filter((r) => r.route === CREATE);
		expect(creates.length).toBe(2);
		expect(creates[0].headers['idempotency-key']).toBe(creates[1].headers['idempotency-key']);
		const made = await projectsNamed('Lost Answer');
		expect(made).toHaveLength(1);
		expect(result.items(FLORA_NODE)[0].json.project_id).toBe(made[0].json.project_id);
	});

	test('an empty name is refused before any request', async () => {
		const result = await runFlora(flora.sim, create('={{ "  " }}'), V2);

		expect(result.nodes[FLORA_NODE].error!.message).toBe('Name is empty');
		expect(flora.sim.requests).toHaveLength(0);
	});
});

describe('Project → Get and Get Many', () => {
	test('Get reads one project by its ID; a malformed ID is refused before the request', async () => {
		const found = await runFlora(
			flora.sim,
			operation('project', 'get', { projectId: 'prj_sim_spring_campaign' }),
			V2,
		);
		expect(found.items(FLORA_NODE)[0].json).toMatchObject({
			project_id: 'prj_sim_spring_campaign',
			name: 'Spring Campaign',
		});

		flora.sim.requests.length = 0;
		const malformed = await runFlora(
			flora.sim,
			operation('project', 'get', { projectId: 'spring' }),
			V2,
		);
		expect(malformed.nodes[FLORA_NODE].error!.message).toBe('Project ID must start with "prj_"');
		expect(flora.sim.requests).toHaveLength(0);
	});

	test('Get of a project FLORA does not have says it could not find it', async () => {
		const result = await runFlora(
			flora.sim,
			operation('project', 'get', { projectId: 'prj_missing' }),
			V2,
		);

		expect(result.nodes[FLORA_NODE].error!.message).toMatch(/^FLORA could not find/);
	});

	test("Get Many lists the workspace's projects, most recently active first", async () => {
		const result = await runFlora(
			flora.sim,
			operation('project', 'getMany', { workspace: WORKSPACE, returnAll: true }),
			V2,
		);

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.json.project_id)).toEqual([
			'prj_sim_spring_campaign',
			'prj_sim_default',
			'prj_sim_autumn_lookbook',
		]);
		expect(flora.sim.requests[0].query.workspace_id).toBe(DEFAULT_WORKSPACE_ID);
	});

	test('Get Many searches by name, and Return All follows every cursor page', async () => {
		const names = Array.from({ length: 130 }, (_, index) => `Batch ${index}`);
		await runFlora(flora.sim, create('={{ $json.name }}'), {
			...V2,
			triggerItems: names.map((name) => ({ name })),
		});
		flora.sim.requests.length = 0;

		const all = await runFlora(
			flora.sim,
			operation('project', 'getMany', {
				workspace: WORKSPACE,
				returnAll: true,
				filters: { query: 'batch' },
			}),
			V2,
		);
		const listed = all.items(FLORA_NODE).map((item) => item.json.name);
		expect(listed).toHaveLength(130);
		expect(new Set(listed)).toEqual(new Set(names));
		const pages = flora.sim.requests.filter((r) => r.route === 'GET /projects');
		expect(pages.length).toBeGreaterThan(1);
		expect(pages[1].query.cursor).toEqual(expect.any(String));
		expect(pages.every((page) => page.query.query === 'batch')).toBe(true);

		const limited = await runFlora(
			flora.sim,
			operation('project', 'getMany', {
				workspace: WORKSPACE,
				returnAll: false,
				limit: 7,
				filters: { query: 'batch' },
			}),
			V2,
		);
		expect(limited.items(FLORA_NODE)).toHaveLength(7);
	});
});

describe('a project picked By Name in a run', () => {
	const byName = (name: string) => ({ project: locator(name, 'name') });

	test('a name the workspace lacks is created once per execution, whatever the items; every run goes into it', async () => {
		const parameters = await actionRun(
			flora.sim,
			'resize-video',
			{ 'input:video': 'https://cdn.example.com/clip.mp4' },
			byName('Autumn Reels'),
		);
		const result = await runFlora(flora.sim, parameters, {
			...V2,
			triggerItems: Array.from({ length: 6 }, (_, index) => ({ index })),
		});

		expect(result.error?.message).toBeUndefined();
		expect(flora.sim.countRequests(CREATE)).toBe(1);
		const made = await projectsNamed('Autumn Reels');
		expect(made).toHaveLength(1);
		const runs = flora.sim.listRuns();
		expect(runs).toHaveLength(6);
		expect(new Set(runs.map((run) => run.project_id))).toEqual(new Set([made[0].json.project_id]));
	});

	test('a name the workspace has is found, and nothing is created', async () => {
		const parameters = await actionRun(
			flora.sim,
			'resize-video',
			{ 'input:video': 'https://cdn.example.com/clip.mp4' },
			byName('Spring Campaign'),
		);
		const result = await runFlora(flora.sim, parameters, {
			...V2,
			triggerItems: [{ a: 1 }, { a: 2 }],
		});

		expect(result.error?.message).toBeUndefined();
		expect(flora.sim.countRequests(CREATE)).toBe(0);
		expect(flora.sim.countRequests('GET /projects')).toBe(1);
		expect(flora.sim.listRuns().map((run) => run.project_id)).toEqual([
			'prj_sim_spring_campaign',
			'prj_sim_spring_campaign',
		]);
		expect(flora.sim.countRequests(ACTION_ROUTE)).toBe(2);
	});

	test('a name that only contains another project’s name is not taken for it', async () => {
		const parameters = await actionRun(
			flora.sim,
			'resize-video',
			{ 'input:video': 'https://cdn.example.com/clip.mp4' },
			byName('Spring'),
		);
		const result = await runFlora(flora.sim, parameters, V2);

		expect(result.error?.message).toBeUndefined();
		expect(flora.sim.countRequests(CREATE)).toBe(1);
		expect(flora.sim.listRuns()[0].project_id).not.toBe('prj_sim_spring_campaign');
	});

	test('a name found only on a later page of the search is still found, not created again', async () => {
		// "Reel" is the least recently active of 121 projects whose names contain "reel".
		await runFlora(flora.sim, create('Reel'), V2);
		await runFlora(flora.sim, create('={{ $json.name }}'), {
			...V2,
			triggerItems: Array.from({ length: 120 }, (_, index) => ({ name: `Reel take ${index}` })),
		});
		const [reel] = await projectsNamed('Reel');
		flora.sim.requests.length = 0;
		const parameters = await actionRun(
			flora.sim,
			'resize-video',
			{ 'input:video': 'https://cdn.example.com/clip.mp4' },
			byName('Reel'),
		);
		const result = await runFlora(flora.sim, parameters, V2);

		expect(result.error?.message).toBeUndefined();
		expect(flora.sim.countRequests(CREATE)).toBe(0);
		expect(flora.sim.listRuns()[0].project_id).toBe(reel.json.project_id);
	});
});
