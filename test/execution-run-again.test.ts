/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * n8n can run the FLORA node again in the same execution, with none of what the node remembered:
 * n8n 1.x in queue mode runs an execution again on another worker when the worker running it
 * stopped (Bull's stalled-job retry; e2e/queue-check.mjs `polling-killed` saw it start a second
 * paid run before the node made its keys this way). The node's key is the same for the same
 * execution, node, run of the node, item and request, so FLORA refuses the second start, and
 * the error says where the run is. Anything else that runs the node again gets another key.
 */
import { randomBytes } from 'node:crypto';
import type { INode, IWorkflowBase } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { RunningWorkflow } from './harness/engine';
import { runWorkflow, storeBinary } from './harness/engine';
import {
	FLORA_NODE,
	RUN_ROUTE,
	floraCredentials,
	prompts,
	runFlora,
	runTechniqueWorkflow,
	startFlora,
	technique,
	textInput,
	useSimulator,
} from './harness/flora';
import { captureLogs } from './harness/logs';

const flora = useSimulator({ timeScale: 20 });
const logged = captureLogs();
beforeEach(() => {
	logged.length = 0;
});

const creates = () => flora.sim.requests.filter((request) => request.route === RUN_ROUTE);
const keysOfCreates = () => creates().map((request) => request.headers['idempotency-key']);
const longRun = (prompt = 'a vase #duration:3600') => ({
	technique: technique('every-output-type'),
	inputs: textInput(prompt),
	options: { pollInterval: 0.5, timeout: 20 },
});

/**
 * Waits until the node has `count` runs started (it logs each as it gets FLORA's answer), then
 * stops the execution, as a worker killed while it polls.
 */
async function stoppedWhilePolling(running: RunningWorkflow, count = 1) {
	const deadline = Date.now() + 10_000;
	const started = () => logged.filter(({ line }) => /^FLORA run \S+ started/.test(line)).length;
	while (started() < count && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	running.cancel();
	await running.result;
	return flora.sim.listRuns();
}

describe('n8n running the same execution again never buys an item’s run twice', () => {
	test('the execution run again after its worker stopped starts no second run: the error says an earlier attempt started it, and how to find and collect it', async () => {
		const first = startFlora(flora.sim, longRun());
		const [run] = await stoppedWhilePolling(first);
		const logLine = logged.find(({ line }) => line.includes(`FLORA run ${run.run_id} started`));

		const again = await runFlora(flora.sim, longRun(), { executionId: first.executionId });

		expect(flora.sim.runsCreated()).toBe(1);
		const keys = keysOfCreates();
		expect(keys).toHaveLength(2);
		expect(keys[1]).toBe(keys[0]);
		expect(keys[0]).toMatch(new RegExp(`^n8n-${first.executionId}-0-[0-9a-f]{24}$`));
		expect(creates()[1].status).toBe(409);
		expect(again.status).toBe('error');
		const error = again.nodes[FLORA_NODE].error!;
		// FLORA's answer, said for this case: an API error with its status and request ID.
		expect(error.name).toBe('NodeApiError');
		expect((error as unknown as { httpCode: string }).httpCode).toBe('409');
		expect(error.message).toBe(
			"An earlier attempt of this execution already started this item's run in FLORA",
		);
		expect(error.description).toMatch(/Request ID: req_\S+/);
		expect(error.description).toContain(keys[0] as string);
		expect(error.description).toMatch(/goes on in FLORA and is charged if it completes/);
		expect(error.description).toMatch(/Do not run the workflow again/);
		expect(error.description).toContain('Run → Get Many (Technique: tech_every_output)');
		expect(error.description).toContain('Run → Wait');
		expect(error.description).toContain(`execution ${first.executionId})`);
		// What that error points at: the log line of the first attempt names the run and the execution.
		expect(logLine?.line).toContain(
			`FLORA run ${run.run_id} started (Technique: tech_every_output, item 0, execution ${first.executionId})`,
		);
		expect(flora.sim.getRun(run.run_id)!.status).not.toBe('failed');
	});

	test('under Continue On Fail the item of the execution run again carries the key, and nothing is started', async () => {
		const parameters = longRun('={{ $json.prompt }} #duration:3600');
		const first = startFlora(flora.sim, parameters, { triggerItems: prompts('A', 'B') });
		await stoppedWhilePolling(first, 2);

		const again = await runFlora(flora.sim, parameters, {
			executionId: first.executionId,
			triggerItems: prompts('A', 'B'),
			continueOnFail: true,
		});

		expect(flora.sim.runsCreated()).toBe(2);
		const items = again.items(FLORA_NODE);
		expect(items).toHaveLength(2);
		for (const [index, item] of items.entries()) {
			const error = item.json.error as Record<string, unknown>;
			expect(error.message).toMatch(/earlier attempt of this execution/);
			expect(error.idempotency_key).toMatch(new RegExp(`^n8n-${first.executionId}-${index}-`));
		}
	});

	test('with a file as input, uploaded again under another URL, FLORA refuses the key all the same and the error is the same', async () => {
		const binary = await storeBinary(randomBytes(2000), 'reference.mp4', 'video/mp4');
		const parameters = {
			technique: technique('storyboard-to-video'),
			workspace: { __rl: true, mode: 'id', value: 'ws_sim_studio' },
			inputs: {
				input: [
					{ id: 'storyboard', type: 'imageUrl', value: 'https://cdn.example.com/frame.png' },
					{ id: 'motion_prompt', type: 'text', value: 'slow dolly in #duration:3600' },
					{ id: 'reference_clip', type: 'videoUrl', value: 'binary:data' },
				],
			},
			options: { pollInterval: 0.5, timeout: 20 },
		};
		const triggerItems = [{ json: {}, binary: { data: binary } }];
		const first = startFlora(flora.sim, parameters, { triggerItems });
		await stoppedWhilePolling(first);

		const again = await runFlora(flora.sim, parameters, {
			executionId: first.executionId,
			triggerItems,
		});

		expect(flora.sim.uploads).toHaveLength(2);
		expect(flora.sim.runsCreated()).toBe(1);
		expect(creates().map((request) => request.status)).toEqual([201, 422]);
		expect(new Set(keysOfCreates()).size).toBe(1);
		expect(again.nodes[FLORA_NODE].error?.message).toBe(
			"An earlier attempt of this execution already started this item's run in FLORA",
		);
		expect(again.nodes[FLORA_NODE].error?.description).toContain('idempotency_conflict');
	});
});

describe('anything else that runs the node again gets another key', () => {
	test('another execution of the same workflow on the same prompt starts its own run', async () => {
		await runFlora(flora.sim, longRun('a vase'));
		await runFlora(flora.sim, longRun('a vase'));

		expect(flora.sim.runsCreated()).toBe(2);
		expect(new Set(keysOfCreates()).size).toBe(2);
	});

	test('the node run twice in one execution on the same item and prompt (two branches into it) starts two runs', async () => {
		const workflow = twoBranchesIntoFlora(runTechniqueWorkflow(longRun('a vase')));

		const result = await runWorkflow(workflow, { credentials: floraCredentials(flora.sim) });

		expect(result.status).toBe('success');
		expect(result.run.data.resultData.runData[FLORA_NODE]).toHaveLength(2);
		expect(flora.sim.runsCreated()).toBe(2);
		expect(new Set(keysOfCreates()).size).toBe(2);
	});

	test('a different request on the same item of the same execution gets another key', async () => {
		const first = startFlora(flora.sim, longRun('a vase #duration:3600'));
		await stoppedWhilePolling(first);

		const again = await runFlora(flora.sim, longRun('a jug'), { executionId: first.executionId });

		expect(again.status).toBe('success');
		expect(flora.sim.runsCreated()).toBe(2);
		expect(new Set(keysOfCreates()).size).toBe(2);
	});

	test('a tool call keeps a random key: the same execution run again as a tool starts a new run', async () => {
		const asTool = { rewireOutputLogTo: 'ai_tool' } as Partial<INode>;
		flora.sim.setRunDuration('every-output-type', 3600);
		const first = startFlora(flora.sim, longRun('a vase'), { nodeSettings: asTool });
		await stoppedWhilePolling(first);
		flora.sim.setRunDuration('every-output-type', 2);

		await runFlora(flora.sim, longRun('a vase'), {
			executionId: first.executionId,
			nodeSettings: asTool,
		});

		expect(flora.sim.runsCreated()).toBe(2);
		expect(new Set(keysOfCreates()).size).toBe(2);
	});
});

/** The trigger feeds two No-Ops, and both feed the FLORA node: n8n runs it once for each. */
function twoBranchesIntoFlora(workflow: IWorkflowBase): IWorkflowBase {
	const trigger = workflow.nodes.find((node) => node.type === 'n8n-nodes-base.manualTrigger')!;
	const to = (node: string) => ({ node, type: NodeConnectionTypes.Main, index: 0 });
	for (const [index, name] of ['First branch', 'Second branch'].entries()) {
		workflow.nodes.push({
			id: `branch-${index}`,
			name,
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [110, index * 200],
			parameters: {},
		});
		workflow.connections[name] = { main: [[to(FLORA_NODE)]] };
	}
	workflow.connections[trigger.name] = { main: [[to('First branch'), to('Second branch')]] };
	return workflow;
}
