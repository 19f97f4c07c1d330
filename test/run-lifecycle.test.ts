/*
 * The run lifecycle knows nothing about techniques: a node of the tests' own starts runs of a
 * kind it never heard of, with a start of its own, and gets waiting, recovery of a lost answer
 * and the items, as the FLORA Technique node does.
 */
import type { IWorkflowBase } from 'n8n-workflow';

import { runWorkflow } from './harness/engine';
import { RUN_ROUTE, floraCredentials, prompts, useSimulator } from './harness/flora';

const flora = useSimulator({ timeScale: 20 });

const probeWorkflow: IWorkflowBase = {
	name: 'Lifecycle probe',
	nodes: [
		{
			id: 'trigger',
			name: 'When clicking ‘Execute workflow’',
			type: 'n8n-nodes-base.manualTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: {},
		},
		{
			id: 'probe',
			name: 'Lifecycle Probe',
			type: 'test.lifecycleProbe',
			typeVersion: 1,
			position: [220, 0],
			parameters: {},
			credentials: { floraApi: { id: '1', name: 'FLORA account' } },
		},
	],
	connections: {
		'When clicking ‘Execute workflow’': {
			main: [[{ node: 'Lifecycle Probe', type: 'main', index: 0 }]],
		},
	},
	settings: { executionOrder: 'v1' },
} as unknown as IWorkflowBase;

test('a run started with a stub start function is waited for and becomes its item, with the fields of its kind', async () => {
	const result = await runWorkflow(probeWorkflow, {
		credentials: floraCredentials(flora.sim),
		triggerItems: prompts('probe one #duration:10', 'probe two #duration:20'),
	});

	expect(result.status).toBe('success');
	const items = result.items('Lifecycle Probe');
	expect(items.map((item) => item.json.status)).toEqual(['completed', 'completed']);
	expect(items.every((item) => item.json.probe === 'lifecycle')).toBe(true);
	expect(
		items.map((item) => flora.sim.getRun(item.json.run_id as string)?.inputs[0].value),
	).toEqual(['probe one #duration:10', 'probe two #duration:20']);
});

test('a lost create answer of that kind is recovered from the history the kind names', async () => {
	flora.sim.injectFault({ route: RUN_ROUTE, kind: 'dropAfterHandling' });

	const result = await runWorkflow(probeWorkflow, {
		credentials: floraCredentials(flora.sim),
		triggerItems: prompts('lost answer #duration:10'),
	});

	expect(result.status).toBe('success');
	const [item] = result.items('Lifecycle Probe');
	expect(flora.sim.runsCreated()).toBe(1);
	expect(item.json.run_id).toBe(flora.sim.listRuns()[0].run_id);
	expect(flora.sim.countRequests('GET /technique-runs')).toBeGreaterThanOrEqual(1);
});
