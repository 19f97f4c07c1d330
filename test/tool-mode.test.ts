/*
 * The FLORA node as an AI agent's tool, through n8n's engine: n8n 2.x runs a tool call of an
 * AI Agent as a workflow node whose output is rewired to the agent (`rewireOutputLogTo:
 * 'ai_tool'`), which is what these workflows set. The AI Agent, its model and the MCP Server
 * Trigger themselves are not in this harness: e2e/tool-check.mjs proves the same cases with them
 * in real n8n 2.41.1 and 1.123.81.
 */
import type { INode, INodeExecutionData } from 'n8n-workflow';

import type { WorkflowResult } from './harness/engine';

import {
	FLORA_NODE,
	floraCredentials,
	prompts,
	runFlora,
	technique,
	textInput,
	useSimulator,
	webhookCredentials,
} from './harness/flora';

const flora = useSimulator({ timeScale: 20 });

const asTool = { rewireOutputLogTo: 'ai_tool' } as Partial<INode>;
/** What the node answered its agent: n8n logs a tool's output under `ai_tool`, not `main`. */
function answer(result: WorkflowResult): INodeExecutionData[] {
	const runs = result.run.data.resultData.runData[FLORA_NODE];
	return runs[runs.length - 1].data?.ai_tool?.[0] ?? [];
}

const run = (prompt: string, parameters: Record<string, unknown> = {}) => ({
	technique: technique('every-output-type'),
	inputs: textInput(prompt),
	...parameters,
});

describe('FLORA as a tool', () => {
	test('one compact result per run: run id, status, cost, outputs with type and URL, text once', async () => {
		const result = await runFlora(flora.sim, run('a portrait'), { nodeSettings: asTool });

		expect(result.status).toBe('success');
		const items = answer(result);
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		const json = items[0].json;
		expect(Object.keys(json)).toEqual([
			'run_id',
			'status',
			'charged_cost',
			'technique_id',
			'outputs',
		]);
		expect(json).toMatchObject({ status: 'completed', charged_cost: expect.any(Number) });
		const outputs = json.outputs as Array<Record<string, unknown>>;
		expect(outputs.map((output) => output.type)).toEqual([
			'imageUrl',
			'videoUrl',
			'audioUrl',
			'text',
			'documentUrl',
		]);
		const text = outputs.find((output) => output.type === 'text')!;
		expect(Object.keys(text)).toEqual(['name', 'type', 'text']);
		for (const media of outputs.filter((output) => output.type !== 'text')) {
			expect(media.url).toMatch(/^https?:\/\//);
		}
	});

	test('Wait By: Webhook falls back to polling before any paid request, and the answer says so', async () => {
		const result = await runFlora(flora.sim, run('a portrait', { waitMode: 'webhook' }), {
			nodeSettings: asTool,
			credentials: webhookCredentials(flora.sim),
			webhookWaitingBaseUrl: 'http://127.0.0.1:9/webhook-waiting',
		});

		expect(result.status).toBe('success');
		const [item] = answer(result);
		expect(item.json).toMatchObject({ status: 'completed' });
		expect(String(item.json.note)).toContain('Waited by polling although "Wait By" is Webhook');
		const create = flora.sim.requests.find((request) => request.method === 'POST');
		expect((create?.body as Record<string, unknown>).callback_url).toBeUndefined();
	});

	test('Download Outputs is not followed: no binary, and the agent is told the URLs are the files', async () => {
		const result = await runFlora(flora.sim, run('a portrait', { options: { download: true } }), {
			nodeSettings: asTool,
		});

		const [item] = answer(result);
		expect(item.binary).toBeUndefined();
		expect(flora.sim.mediaRequests.filter((request) => request.method === 'GET')).toEqual([]);
		expect(String(item.json.note)).toContain('Files are not downloaded');
	});

	test('a failed run and a bad input answer in one error shape, naming the run, without stopping', async () => {
		const failed = await runFlora(flora.sim, run('={{ $json.prompt }}'), {
			nodeSettings: asTool,
			triggerItems: prompts('a portrait #fail:provider_error'),
		});
		expect(failed.status).toBe('success');
		expect(answer(failed).map((item) => item.json)).toEqual([
			{
				error: expect.objectContaining({
					message: expect.stringMatching(/^The FLORA run run_\S+ failed/),
					run_id: expect.stringMatching(/^run_/),
					error_code: 'provider_error',
				}),
			},
		]);

		flora.sim.reset();
		const bad = await runFlora(flora.sim, run(''), {
			nodeSettings: asTool,
			credentials: floraCredentials(flora.sim),
		});
		expect(bad.status).toBe('success');
		const [item] = answer(bad);
		expect(Object.keys(item.json)).toEqual(['error']);
		expect(item.json.error).toMatchObject({ message: expect.any(String) });
		expect(flora.sim.requests.filter((request) => request.method === 'POST')).toEqual([]);
	});

	test('outside tool mode, an execution without an ID (as in an MCP call) also waits by polling', async () => {
		const result = await runFlora(flora.sim, run('a portrait', { waitMode: 'webhook' }), {
			credentials: webhookCredentials(flora.sim),
			withoutExecutionId: true,
		});

		expect(result.status).toBe('success');
		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(5);
		expect(items[0].json).toMatchObject({ status: 'completed' });
		const create = flora.sim.requests.find((request) => request.method === 'POST');
		expect((create?.body as Record<string, unknown>).callback_url).toBeUndefined();
	});
});
