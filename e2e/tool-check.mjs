#!/usr/bin/env node
// The FLORA node as a tool, in a started n8n (run.sh's `n8n start`, WEBHOOK_URL the public
// https://n8n.flora.test/), against the FLORA simulator (time scale 10: a run of Every Output
// Type takes 0.6 s) and e2e/model-server.mjs (a scripted OpenAI-compatible chat model):
//
//   agent-*   e2e/tool-workflows/agent-tools.json: a Webhook trigger that answers when the last
//             node finishes (POST /webhook/<--hook-path>, body {prompt}) → AI Agent (v3) with
//             the OpenAI Chat Model (v1.3, Use Responses API off, an openAiApi credential whose
//             Base URL is the model server) and three FLORA tools on Technique → Run, Every
//             Output Type, Prompt = $fromAI('prompt'): "FLORA Polling", "FLORA Webhook Wait"
//             (Wait By: Webhook) and "FLORA Download" (Download Outputs on). The check scripts
//             the model (its tool calls and their arguments), calls the webhook, and reads the
//             agent's answer: the model's final message quotes each tool result verbatim.
//   mcp-*     e2e/tool-workflows/mcp-tools.json: an MCP Server Trigger (v2, path --mcp-path)
//             with the same three tools, called by the MCP SDK's client that ships with n8n
//             (Streamable HTTP on /mcp/<path>): list the tools, call them.
//
//   *-polling      one call of FLORA Polling
//   *-webhook-wait one call of FLORA Webhook Wait: it must poll (one run, no callback_url, no
//                  callback, no waiting execution) and its answer says so in `note`
//   *-download     one call of FLORA Download: no binary data stored, `note` says each url is the file
//   *-two-calls    two calls of FLORA Webhook Wait in one agent turn (MCP: two calls at once):
//                  two runs, each result is its own call's run
//   *-fails        one call of FLORA Polling whose run fails (`#fail:provider_error`): the caller
//                  gets one error shape, { error: { message, description, run_id, … } }, naming
//                  the run, and the workflow goes on
//   last-node-webhook  outside tool mode: e2e/tool-workflows/last-node-webhook.json, a Webhook
//                  trigger answering when the last node finishes → FLORA Technique with Wait By:
//                  Webhook: the caller gets the run's result, the node polled (the output pane's
//                  hint says why), no callback_url, nothing left waiting.
//
// Every case checks what the caller received, the simulator's state (runs since the case began,
// their callback_url, callbacks, file downloads) and n8n's executions (success, none waiting).
//
// Usage: node e2e/tool-check.mjs CASE --base-url URL --sim-url URL --model-url URL --workflow-id ID
//          --email E --password P --n8n-dir DIR [--hook-path PATH] [--mcp-path PATH]
// Prints "ok"/"FAIL" lines; exits 0 when every check passed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { check, failures, info, itemsOf, n8nRest, parseArgs, simState, until } from './check-helpers.mjs';

const [, , caseName, ...argv] = process.argv;
const args = parseArgs(argv);
const base = String(args['base-url'] ?? '').replace(/\/+$/, '');
const simRoot = String(args['sim-url'] ?? '').replace(/\/+$/, '').replace(/\/api\/v1$/, '');
const modelRoot = String(args['model-url'] ?? '').replace(/\/+$/, '').replace(/\/v1$/, '');
const workflowId = args['workflow-id'];
const n8n = n8nRest(base, args['n8n-dir']);

/** The three FLORA tools of both workflows: tool name (as n8n names it) → node name. */
const TOOLS = { FLORA_Polling: 'FLORA Polling', FLORA_Webhook_Wait: 'FLORA Webhook Wait', FLORA_Download: 'FLORA Download' };
const OUTPUT_TYPES = ['imageUrl', 'videoUrl', 'audioUrl', 'text', 'documentUrl'];
const WAIT_NOTE = /^Waited by polling although "Wait By" is Webhook: FLORA runs as a tool, and its caller waits for the answer/;
const DOWNLOAD_NOTE = /Files are not downloaded when FLORA runs as a tool .*each output's "url" is where its file is/;

// ----------------------------------------------------------------------------- callers
async function postJson(url, body) {
	const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
	const text = await res.text();
	let json;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: res.status, text, json };
}

/** n8n's version, from the install the check runs against. */
const N8N_VERSION = JSON.parse(readFileSync(path.join(args['n8n-dir'], 'package.json'), 'utf8')).version;

/**
 * What the model reads of the FLORA tool. n8n 2.30 and later evaluate the node's automatic
 * description (the technique picked from the list, with its cost and outputs, the argument,
 * the wait and the answer); n8n 1.x gives the model n8n's own ("Run a technique in FLORA").
 */
const DESCRIPTION_PARTS = N8N_VERSION.startsWith('1.')
	? ['Run a technique in FLORA']
	: [
			'Runs the FLORA technique "Every Output Type" (tech_every_output) at $0.50 a run.',
			'Arguments: prompt (What FLORA should make).',
			'Outputs: image + video + audio + text + document.',
			'Waits until the run ends (up to 120 s), then answers {"run_id", "status", "charged_cost", "technique_id", "outputs": [{"name", "type", "url"}]}',
		];

/** The FLORA tool as a tool list gives it: its description, and the prompt, a described string, required. */
function checkToolSchema(listed, tool, schema) {
	check(Boolean(listed), `the FLORA tool ${tool} is listed (${listed ? 'yes' : 'no'})`);
	check(
		schema?.type === 'object' && schema.properties?.prompt?.type === 'string' && (schema.required ?? []).includes('prompt'),
		`${tool}'s parameter schema asks for the prompt, a string, required (${JSON.stringify(schema?.properties ?? null)})`,
	);
	check(
		schema?.properties?.prompt?.description === 'What FLORA should make',
		`${tool}'s prompt argument carries its description (${JSON.stringify(schema?.properties?.prompt?.description ?? null)})`,
	);
	const description = String(listed?.description ?? listed?.function?.description ?? '');
	check(
		DESCRIPTION_PARTS.every((part) => description.includes(part)),
		`n8n ${N8N_VERSION} gives the model ${tool}'s description: ${JSON.stringify(description)}`,
	);
}

/** Asks the AI Agent: the model calls `tool` once per prompt, in one message. Answers the tool results as the agent's answer quotes them. */
async function viaAgent(tool, prompts) {
	const tag = `${caseName}-${Date.now()}`;
	const scripted = await postJson(`${modelRoot}/_model/scripts`, { tag, tool, calls: prompts.map((prompt) => ({ prompt })) });
	if (scripted.status !== 200) throw new Error(`the model server refused the script: ${scripted.text}`);
	const answer = await postJson(`${base}/webhook/${args['hook-path']}`, { prompt: `Make this with FLORA. [script:${tag}]` });
	check(answer.status === 200 && typeof answer.json?.output === 'string', `the webhook answered 200 with the agent's output (${answer.status}: ${answer.text.slice(0, 160)})`);
	const quoted = [...String(answer.json?.output ?? '').matchAll(/^TOOL RESULT (\S+): (.*)$/gm)].map((m) => ({ id: m[1], content: m[2] }));
	check(
		JSON.stringify(quoted.map((q) => q.id)) === JSON.stringify(prompts.map((_, i) => `call_${tag}_${i + 1}`)),
		`the agent's answer quotes one tool result per call, in order (${quoted.map((q) => q.id).join(', ') || 'none'})`,
	);

	const res = await fetch(`${modelRoot}/_model/requests`);
	const requests = (await res.json()).filter((r) => JSON.stringify(r.body?.messages ?? []).includes(`[script:${tag}]`));
	check(requests.length === 2, `the model was asked twice: for the tool call(s), then with their results (${requests.length})`);
	check(
		requests.every((r) => r.path === '/v1/chat/completions' && r.body?.stream !== true),
		`each was a chat completion, not streamed (${requests.map((r) => `${r.path} stream=${r.body?.stream}`).join('; ')})`,
	);
	const listed = requests[0]?.body?.tools?.find((t) => t.function?.name === tool);
	checkToolSchema(listed, tool, listed?.function?.parameters);
	check(
		Object.keys(TOOLS).every((name) => requests[0]?.body?.tools?.some((t) => t.function?.name === name)),
		`the model was offered the three FLORA tools (${(requests[0]?.body?.tools ?? []).map((t) => t.function?.name).join(', ')})`,
	);
	const sent = (requests[1]?.body?.messages ?? []).filter((m) => m.role === 'tool');
	check(
		sent.length === prompts.length && sent.every((m, i) => m.tool_call_id === quoted[i]?.id && m.content === quoted[i]?.content),
		`the model received one tool result per call, answering its call id, as the agent's answer quotes it (${sent.length} tool message(s))`,
	);
	return quoted.map((q) => q.content);
}

/** Calls `tool` once per prompt, all at once, through the MCP SDK's client. Answers each call's text. */
async function viaMcp(tool, prompts) {
	const require = createRequire(path.join(args['n8n-dir'], 'package.json'));
	const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
	const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
	const sdkDir = require.resolve('@modelcontextprotocol/sdk/client/index.js').replace(/\/dist\/.*$/, '');
	info(`MCP SDK ${JSON.parse(readFileSync(path.join(sdkDir, 'package.json'), 'utf8')).version} from ${sdkDir}`);
	const client = new Client({ name: 'flora-e2e', version: '1.0.0' });
	await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp/${args['mcp-path']}`)));
	try {
		const { tools } = await client.listTools();
		const listed = tools.find((t) => t.name === tool);
		checkToolSchema(listed, tool, listed?.inputSchema);
		check(
			Object.keys(TOOLS).every((name) => tools.some((t) => t.name === name)),
			`the MCP server lists the three FLORA tools (${tools.map((t) => t.name).join(', ')})`,
		);
		const results = await Promise.all(
			prompts.map(async (prompt) => await client.callTool({ name: tool, arguments: { prompt } }, undefined, { timeout: 120000 })),
		);
		for (const [i, r] of results.entries()) info(`call ${i + 1}: isError ${r.isError ?? 'absent'}, ${r.content?.length} content part(s)`);
		check(
			results.every((r) => r.content?.length === 1 && r.content[0].type === 'text'),
			`each call answered one text part (${results.map((r) => (r.content ?? []).map((c) => c.type).join('+')).join(', ')})`,
		);
		return results.map((r) => r.content?.[0]?.text ?? '');
	} finally {
		await client.close();
	}
}

// ----------------------------------------------------------------------------- what came back
/** Each result as the caller got it: one run (an array of one item), compact, its own prompt's. */
function checkResults(texts, prompts, { fails = false, note } = {}) {
	const results = texts.map((text) => {
		try {
			return JSON.parse(text);
		} catch {
			return undefined;
		}
	});
	check(
		results.length === prompts.length && results.every((r) => Array.isArray(r) && r.length === 1),
		`each call's result is JSON with exactly one item, one run (${texts.map((t) => t.slice(0, 80)).join(' | ')})`,
	);
	const items = results.map((r) => (Array.isArray(r) ? r[0] : undefined) ?? {});
	if (fails) {
		for (const item of items) {
			const runId = /^The FLORA run (run_\S+) failed/.exec(item.error?.message ?? '')?.[1];
			check(
				JSON.stringify(Object.keys(item)) === '["error"]' && typeof item.error?.description === 'string',
				`the result is one error shape, { error: { message, description, … } } (keys ${Object.keys(item).join(', ')}; error keys ${Object.keys(item.error ?? {}).join(', ')})`,
			);
			check(
				Boolean(runId) && item.error.run_id === runId && item.error.error_code === 'provider_error',
				`the error names the run, run_id ${item.error?.run_id}, error_code ${item.error?.error_code} ("${item.error?.message}")`,
			);
		}
		return items;
	}
	for (const [i, item] of items.entries()) {
		const expectedKeys = ['run_id', 'status', 'charged_cost', 'technique_id', 'outputs', ...(note ? ['note'] : [])];
		check(
			JSON.stringify(Object.keys(item)) === JSON.stringify(expectedKeys),
			`result ${i + 1} is compact: ${expectedKeys.join(', ')} (got ${Object.keys(item).join(', ')})`,
		);
		check(item.status === 'completed' && item.technique_id === 'tech_every_output', `result ${i + 1}: run ${item.run_id} of tech_every_output, completed (${item.status})`);
		const outputs = item.outputs ?? [];
		check(JSON.stringify(outputs.map((o) => o.type)) === JSON.stringify(OUTPUT_TYPES), `result ${i + 1} has the five outputs (${outputs.map((o) => o.type).join(', ')})`);
		const text = outputs.find((o) => o.type === 'text');
		check(
			text?.text === `Every Output Type: ${prompts[i]}` && text.url === undefined,
			`result ${i + 1}'s text output is its own call's ("${text?.text}"), given once (no url)`,
		);
		check(
			outputs.filter((o) => o.type !== 'text').every((o) => /^https?:\/\/\S+\/media\/\S+/.test(o.url ?? '') && o.url.includes(item.run_id) && o.text === undefined),
			`result ${i + 1}'s file outputs carry the URL of the run's file`,
		);
		if (note) check(note.test(item.note ?? ''), `result ${i + 1}'s note says so: "${item.note}"`);
	}
	return items;
}

/** The simulator: one run per call, started since `before`, none waited for by a callback. */
async function checkSimulator(before, items, prompts, { fails = false, download = false } = {}) {
	const state = await until(
		'the runs to end in the simulator',
		async () => {
			const s = await simState(simRoot);
			const runs = s.runs.filter((r) => !before.has(r.run_id));
			return runs.length >= prompts.length && runs.every((r) => ['completed', 'failed'].includes(r.status)) ? s : undefined;
		},
		{ timeoutMs: 30000 },
	);
	const runs = state.runs.filter((r) => !before.has(r.run_id));
	check(runs.length === prompts.length, `the simulator ran exactly ${prompts.length} run(s) for this case (${runs.map((r) => `${r.run_id} ${r.status}`).join(', ')})`);
	check(runs.every((r) => r.callbackUrl === undefined || r.callbackUrl === null), `no run was given a callback_url (${runs.map((r) => r.callbackUrl ?? 'none').join(', ')})`);
	const ids = new Set(runs.map((r) => r.run_id));
	const deliveries = state.webhookDeliveries.filter((d) => ids.has(d.runId));
	check(deliveries.length === 0, `FLORA called nothing back for them (${deliveries.length} callback(s))`);
	for (const [i, prompt] of prompts.entries()) {
		const run = runs.find((r) => r.inputs?.[0]?.value === prompt);
		const answered = items[i]?.run_id ?? items[i]?.error?.run_id;
		check(run && run.run_id === answered, `call ${i + 1}'s run (${run?.run_id}, prompt "${prompt}") is the one its result names (${answered})`);
		check(run?.status === (fails ? 'failed' : 'completed'), `run ${run?.run_id} ${fails ? 'failed' : 'completed'} in the simulator (${run?.status})`);
	}
	const fetched = (state.mediaRequests ?? []).filter((m) => [...ids].some((id) => String(m.path ?? m.url ?? '').includes(id)));
	if (download || fetched.length) {
		check(fetched.length === 0, `nothing downloaded the runs' files (${fetched.length} media request(s))`);
	}
}

/** n8n: the case's executions (`expected` of them) all ended "success", none left waiting. */
async function checkExecutions(before, expected, toolNode, callCount) {
	const executions = await until(
		`${expected} execution(s) to end`,
		async () => {
			const list = (await n8n.executionsOf(workflowId)).filter((e) => !before.has(e.id));
			return list.length >= expected && list.every((e) => !['new', 'running', 'waiting', 'unknown'].includes(e.status)) ? list : undefined;
		},
		{ timeoutMs: 30000 },
	).catch(async (error) => {
		info(error.message);
		return (await n8n.executionsOf(workflowId)).filter((e) => !before.has(e.id));
	});
	check(
		executions.length === expected && executions.every((e) => e.status === 'success'),
		`n8n ran ${expected} execution(s) for this case, all "success" (${executions.map((e) => `${e.id} ${e.mode} ${e.status}`).join(', ') || 'none'})`,
	);
	const waiting = (await n8n.executionsOf(workflowId)).filter((e) => e.status === 'waiting');
	check(waiting.length === 0, `no execution of the workflow is left waiting (${waiting.map((e) => e.id).join(', ') || 'none'})`);
	// What the tool node logged: its runs' items, without binary data.
	const logged = [];
	for (const e of executions) {
		const exec = await n8n.execution(e.id);
		for (const run of exec.data?.resultData?.runData?.[toolNode] ?? []) logged.push(...(run.data?.ai_tool?.[0] ?? []));
	}
	check(logged.length === callCount, `"${toolNode}" ran ${callCount} time(s) in n8n's executions, one item each (${logged.length} item(s))`);
	check(logged.every((item) => item.binary === undefined), `no binary data was stored for the tool's items (${logged.filter((i) => i.binary).length} with binary)`);
	return executions;
}

// ----------------------------------------------------------------------------- cases
async function toolCase(caller, tool, prompts, options = {}) {
	const before = new Set((await simState(simRoot)).runs.map((r) => r.run_id));
	const executionsBefore = new Set((await n8n.executionsOf(workflowId)).map((e) => e.id));
	const texts = caller === 'agent' ? await viaAgent(tool, prompts) : await viaMcp(tool, prompts);
	const items = checkResults(texts, prompts, options);
	await checkSimulator(before, items, prompts, options);
	// An agent's webhook call is one execution; each MCP tool call is logged as one.
	await checkExecutions(executionsBefore, caller === 'agent' ? 1 : prompts.length, TOOLS[tool], prompts.length);
}

async function lastNodeWebhook() {
	const prompt = 'a linen lampshade, answered by the last node';
	const before = new Set((await simState(simRoot)).runs.map((r) => r.run_id));
	const executionsBefore = new Set((await n8n.executionsOf(workflowId)).map((e) => e.id));
	const answer = await postJson(`${base}/webhook/${args['hook-path']}`, { prompt });
	const run = answer.json ?? {};
	check(answer.status === 200, `the webhook answered its caller 200 (${answer.status}: ${answer.text.slice(0, 160)})`);
	check(
		/^run_/.test(run.run_id ?? '') && run.status === 'completed' && JSON.stringify((run.outputs ?? []).map((o) => o.type)) === JSON.stringify(OUTPUT_TYPES),
		`the answer is the completed run with its five outputs (${run.run_id}, ${run.status}, ${(run.outputs ?? []).map((o) => o.type).join(', ')})`,
	);
	check(
		run.outputs?.find((o) => o.type === 'text')?.text === `Every Output Type: ${prompt}`,
		`the run is this call's (text "${run.outputs?.find((o) => o.type === 'text')?.text}")`,
	);
	await checkSimulator(before, [run], [prompt]);
	const [execution] = await checkExecutionsOutsideToolMode(executionsBefore);
	if (!execution) return;
	const exec = await n8n.execution(execution.id);
	const [item] = itemsOf(exec, 'FLORA Technique');
	check(item?.run_id === run.run_id, `FLORA Technique's item is the run the caller got (${item?.run_id})`);
	const hints = (exec.data?.resultData?.runData?.['FLORA Technique']?.at(-1)?.hints ?? []).map((h) => h.message);
	check(
		hints.some((h) => /^Waited by polling although "Wait By" is Webhook: "Webhook" answers its caller when the last node finishes/.test(h)),
		`the output pane's hint says why it polled (${JSON.stringify(hints)})`,
	);
}

/** The one execution of a call outside tool mode: "success", not waiting. */
async function checkExecutionsOutsideToolMode(before) {
	const executions = await until(
		'the execution to end',
		async () => {
			const list = (await n8n.executionsOf(workflowId)).filter((e) => !before.has(e.id));
			return list.length >= 1 && list.every((e) => ['success', 'error', 'crashed', 'canceled'].includes(e.status)) ? list : undefined;
		},
		{ timeoutMs: 30000 },
	).catch(async (error) => {
		info(error.message);
		return (await n8n.executionsOf(workflowId)).filter((e) => !before.has(e.id));
	});
	check(
		executions.length === 1 && executions[0].status === 'success',
		`one execution, "success" (${executions.map((e) => `${e.id} ${e.status}`).join(', ') || 'none'})`,
	);
	return executions;
}

const ONE = ['a ceramic vase on washed linen'];
const TWO = ['a teapot in morning light', 'a teapot at dusk'];
const FAILING = ['a vase that will not render #fail:provider_error'];
const CASES = {};
for (const caller of ['agent', 'mcp']) {
	Object.assign(CASES, {
		[`${caller}-polling`]: () => toolCase(caller, 'FLORA_Polling', ONE),
		[`${caller}-webhook-wait`]: () => toolCase(caller, 'FLORA_Webhook_Wait', ONE, { note: WAIT_NOTE }),
		[`${caller}-download`]: () => toolCase(caller, 'FLORA_Download', ONE, { note: DOWNLOAD_NOTE, download: true }),
		[`${caller}-two-calls`]: () => toolCase(caller, 'FLORA_Webhook_Wait', TWO, { note: WAIT_NOTE }),
		[`${caller}-fails`]: () => toolCase(caller, 'FLORA_Polling', FAILING, { fails: true }),
	});
}
CASES['last-node-webhook'] = lastNodeWebhook;

try {
	if (!CASES[caseName]) throw new Error(`unknown case ${caseName}`);
	await n8n.login(args.email, args.password);
	await CASES[caseName]();
} catch (e) {
	check(false, `${caseName} aborted: ${e.stack ?? e.message}`);
}
process.exit(failures.length ? 1 : 0);
