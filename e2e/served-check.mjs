#!/usr/bin/env node
// Cases that need a started n8n (`n8n start` on a loopback port, WEBHOOK_URL set to the public
// HTTPS address --public-url, https://n8n.flora.test/) and the FLORA simulator calling it back
// (started with --map-host n8n.flora.test=http://127.0.0.1:<n8n's port>, so FLORA is handed
// https URLs only and the simulator delivers them to the loopback port). The checks talk to
// n8n on loopback (--base-url); the URLs n8n computes and FLORA calls are --public-url's:
//
//   long-video-webhook  examples/long-video-webhook.json, its Manual Trigger swapped for a
//                       Webhook trigger (an active twin). The execution is started by calling
//                       that webhook; FLORA Technique (Wait By: Webhook) starts the run with
//                       the execution's resume URL as callback_url and the execution waits;
//                       the simulator's signed callback resumes it. Checks: the execution was
//                       seen "waiting", ends "success", FLORA Technique's output is the run's
//                       outputs, Edit Fields ran on it, nothing polled the run while waiting,
//                       the callback was answered 200.
//   long-video-webhook-timeout
//                       A second active twin of examples/long-video-webhook.json (own webhook
//                       path and ids) whose FLORA Technique waits only --wait-seconds (5) with
//                       On Timeout "Return the Run", for a run that lasts far longer
//                       (`#duration:36000` in the motion prompt). No callback comes: n8n's
//                       WaitTracker (it polls its database every 60 s) resumes the execution
//                       when the wait time is up, without running the node, and passes on the
//                       items the node left in its waiting stack entry. Checks: the execution was
//                       seen "waiting", ends "success" (within 150 s); one simulator run has this
//                       execution's resume URL as callback_url; FLORA Technique output exactly
//                       that run, timed_out: true, status pending or running; Edit Fields ran on
//                       it; the run had not ended in the simulator when the execution ended;
//                       nothing read the run at all.
//   long-video-webhook-fails
//                       A third active twin whose run fails in FLORA (`#fail:provider_error`),
//                       without Continue On Fail. Checks: the execution ends "error" with the
//                       run's failure; FLORA Technique's own run data is in error (not a success
//                       with an empty item), naming the run; Edit Fields did not run; the
//                       Webhook trigger's run data is kept; FLORA's callback was answered 2xx.
//   trigger-pattern     examples/trigger-pattern.json, active. A run is started on the
//                       simulator directly with callback_url = the FLORA Trigger's production
//                       URL. Checks: one execution with the event and the run's outputs; the
//                       same delivery posted again starts no second execution; a forged call
//                       is answered 401 and starts nothing; two more distinct deliveries start
//                       one execution each, and then every delivery replayed (twice) starts
//                       nothing (n8n really saved what the trigger remembers); four copies of a
//                       new signed delivery posted at once start one execution; accepted
//                       deliveries are answered {"received":true}.
//
// Usage: node e2e/served-check.mjs CASE --base-url URL --public-url URL --sim-url URL --workflow-id ID
//          --email E --password P --n8n-dir DIR [--hook-path PATH] [--trigger-path PATH]
//          [--wait-seconds N]
// Prints "ok"/"FAIL" lines; exits 0 when every check passed.
import { createHmac } from 'node:crypto';

import { check, failures, info, itemsOf, n8nRest, parseArgs, simState as simStateAt, sleep, until } from './check-helpers.mjs';

const [, , caseName, ...argv] = process.argv;
const args = parseArgs(argv);
const base = String(args['base-url'] ?? '').replace(/\/+$/, '');
// What n8n names itself (WEBHOOK_URL): its resume and production webhook URLs start with it.
const publicBase = String(args['public-url'] ?? base).replace(/\/+$/, '');
const simApi = String(args['sim-url'] ?? '').replace(/\/+$/, ''); // …/api/v1
const simRoot = simApi.replace(/\/api\/v1$/, '');
const apiKey = process.env.SIM_API_KEY || 'sk_test_flora_simulator';
const { executionsOf, execution, login } = n8nRest(base, args['n8n-dir']);
const simState = () => simStateAt(simRoot);

const FLORA = 'FLORA Technique';

// ----------------------------------------------------------------------------- cases
/**
 * The runs of the simulator that existed before this check started an execution: the simulator
 * is shared by the n8n versions the suite runs one after another, and each version's execution
 * IDs start again at 1 behind the same public URL.
 */
let runsBefore = new Set();

/** The FLORA runs started since this check's execution began with execution `id`'s resume URL. */
function resumeRunsOf(state, id) {
	const prefix = `${publicBase}/webhook-waiting/${id}`;
	return state.runs.filter(
		(r) =>
			!runsBefore.has(r.run_id) &&
			typeof r.callbackUrl === 'string' &&
			(r.callbackUrl === prefix || /^[?/]/.test(r.callbackUrl.slice(prefix.length))) &&
			r.callbackUrl.startsWith(prefix),
	);
}

/** Calls a twin's webhook; returns the new execution's id. */
async function startByWebhook(workflowId, hookPath) {
	runsBefore = new Set((await simState()).runs.map((r) => r.run_id));
	const before = new Set((await executionsOf(workflowId)).map((e) => e.id));
	const hook = await fetch(`${base}/webhook/${hookPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ from: 'e2e' }),
	});
	check(hook.ok, `the Webhook trigger of the twin answered ${hook.status}`);
	const started = await until('the execution to appear', async () =>
		(await executionsOf(workflowId)).find((e) => !before.has(e.id)),
	);
	info(`execution ${started.id} (mode ${started.mode})`);
	return started.id;
}

/** Watches an execution until it ends: answers it and the statuses it was seen in. */
async function watchUntilEnd(workflowId, id) {
	const t0 = Date.now();
	const seen = new Set();
	const final = await until(
		'the execution to end',
		async () => {
			const e = (await executionsOf(workflowId)).find((x) => x.id === id);
			if (e) seen.add(e.status);
			return e && ['success', 'error', 'crashed', 'canceled'].includes(e.status) ? e : undefined;
		},
		{ timeoutMs: 90000, everyMs: 200 },
	);
	info(`statuses seen: ${[...seen].join(' → ')} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
	return { final, seen };
}

async function longVideoWebhook() {
	const workflowId = args['workflow-id'];
	const id = await startByWebhook(workflowId, args['hook-path']);
	// Watch it: it must wait (no worker held) and then end.
	const { final, seen } = await watchUntilEnd(workflowId, id);
	check(seen.has('waiting'), 'the execution was "waiting" for FLORA’s callback');
	const exec = await execution(id);
	const error = exec.data?.resultData?.error;
	check(final.status === 'success', `the execution ended "success" (got "${final.status}"${error ? `: ${error.message}` : ''})`);

	const state = await simState();
	const runs = resumeRunsOf(state, id);
	check(runs.length === 1, `one FLORA run was started with this execution's resume URL as callback_url (${runs[0]?.callbackUrl ?? 'none'})`);
	const run = runs[0];
	if (!run) return;
	check(run.technique_id === 'tech_storyboard_to_video', `the run is Storyboard to Video (${run.technique_id})`);
	const deliveries = state.webhookDeliveries.filter((d) => d.runId === run.run_id);
	check(
		deliveries.length >= 1 && deliveries[0].status === 200,
		`the simulator's signed callback was answered 200 (got ${deliveries.map((d) => d.status ?? d.error).join(', ') || 'no delivery'})`,
	);
	check(
		publicBase.startsWith('https://') && deliveries.length >= 1 && deliveries.every((d) => d.url.startsWith(`${publicBase}/`) && d.deliveredTo?.startsWith(`${base}/`)),
		`FLORA called the https resume URL, which the simulator's test mode carried to n8n on loopback (${deliveries.map((d) => `${d.url} → ${d.deliveredTo}`).join(', ') || 'no delivery'})`,
	);
	const reads = state.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/runs/${run.run_id}`));
	check(
		reads.every((r) => r.receivedAt >= deliveries[0]?.attemptedAt),
		`nothing read the run while the execution waited (${reads.length} read(s), all after the callback)`,
	);

	const flora = itemsOf(exec, FLORA);
	check(flora.length === 1, `${FLORA} output 1 item (one item per run; got ${flora.length})`);
	const item = flora[0] ?? {};
	check(item.run_id === run.run_id && item.status === 'completed', `${FLORA}'s item is run ${run.run_id}, completed (got ${item.run_id}, ${item.status})`);
	const types = (item.outputs ?? []).map((o) => o.type);
	check(JSON.stringify(types) === JSON.stringify(['videoUrl', 'audioUrl']), `${FLORA}'s item carries the run's outputs videoUrl, audioUrl (got ${types.join(', ')})`);
	check(
		(item.outputs ?? []).every((o) => o.url === run.outputs?.find((r) => r.output_id === o.output_id)?.url),
		`the output URLs are the run's (${(item.outputs ?? []).map((o) => o.url).join(', ')})`,
	);
	const edit = itemsOf(exec, 'Edit Fields');
	check(
		edit.length === 1 && edit[0].run === run.run_id && /\.mp4$/.test(edit[0].video_url ?? '') && /\.mp3$/.test(edit[0].soundtrack_url ?? ''),
		`Edit Fields ran after the resume with run, video_url and soundtrack_url (${JSON.stringify(edit[0] ?? null)})`,
	);
}

async function longVideoWebhookTimeout() {
	const workflowId = args['workflow-id'];
	const waitSeconds = Number(args['wait-seconds']);
	const t0 = Date.now();
	const id = await startByWebhook(workflowId, args['hook-path']);

	// It must wait, and then end once n8n's WaitTracker sees the wait time is up: the tracker
	// reads its database every 60 s, so this takes up to about 70 s after the wait time.
	const seen = [];
	const final = await until(
		'the execution to end after its wait time ran out',
		async () => {
			const e = (await executionsOf(workflowId)).find((x) => x.id === id);
			if (e && seen.at(-1) !== e.status) seen.push(e.status);
			return e && ['success', 'error', 'crashed', 'canceled'].includes(e.status) ? e : undefined;
		},
		{ timeoutMs: 150000, everyMs: 500 },
	);
	// The simulator's view right when the execution ended.
	const state = await simState();
	const tookSeconds = (Date.now() - t0) / 1000;
	info(`statuses seen: ${seen.join(' → ')} (${tookSeconds.toFixed(1)}s)`);
	check(seen.includes('waiting'), 'the execution was "waiting" for FLORA’s callback');
	check(
		tookSeconds >= waitSeconds,
		`the execution ended no sooner than its wait time of ${waitSeconds}s (after ${tookSeconds.toFixed(1)}s)`,
	);
	const exec = await execution(id);
	const error = exec.data?.resultData?.error;
	check(final.status === 'success', `the execution ended "success" (got "${final.status}"${error ? `: ${error.message}` : ''})`);

	const runs = resumeRunsOf(state, id);
	check(runs.length === 1, `one FLORA run was started with this execution's resume URL as callback_url (${runs[0]?.callbackUrl ?? 'none'})`);
	const run = runs[0];
	const flora = itemsOf(exec, FLORA);
	info(`${FLORA} output: ${JSON.stringify(flora)}`);
	if (!run) return;
	check(
		run.status !== 'completed' && run.status !== 'failed',
		`the run had not ended in the simulator when the execution ended (status ${run.status})`,
	);
	const deliveries = state.webhookDeliveries.filter((d) => d.runId === run.run_id);
	check(deliveries.length === 0, `no callback was delivered for the run (${deliveries.length})`);
	const reads = state.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/runs/${run.run_id}`));
	check(reads.length === 0, `nothing read the run while the execution waited (${reads.length} read(s))`);

	check(flora.length === 1, `${FLORA} output exactly 1 item (got ${flora.length})`);
	const item = flora[0] ?? {};
	check(item.run_id === run.run_id, `${FLORA}'s item is run ${run.run_id} (got ${item.run_id})`);
	check(item.timed_out === true, `${FLORA}'s item is marked timed_out: true (got ${JSON.stringify(item.timed_out)})`);
	check(['pending', 'running'].includes(item.status), `${FLORA}'s item has status pending or running (got ${item.status})`);
	check(item.technique_id === 'tech_storyboard_to_video', `${FLORA}'s item names the technique (${item.technique_id})`);
	check(item.error === undefined, `${FLORA}'s item is no error item (${item.error ?? 'no error'})`);
	const edit = itemsOf(exec, 'Edit Fields');
	check(
		edit.length === 1 && edit[0].run === run.run_id,
		`Edit Fields ran after the timeout with run = ${run.run_id} (${JSON.stringify(edit)})`,
	);
}

async function longVideoWebhookFails() {
	const workflowId = args['workflow-id'];
	const id = await startByWebhook(workflowId, args['hook-path']);
	const { final, seen } = await watchUntilEnd(workflowId, id);
	check(seen.has('waiting'), 'the execution was "waiting" for FLORA’s callback');
	check(final.status === 'error', `the execution ended "error" (got "${final.status}")`);
	const exec = await execution(id);
	const runData = exec.data?.resultData?.runData ?? {};
	const floraTask = runData[FLORA]?.at(-1);
	const nodeError = floraTask?.error;
	check(
		/^The FLORA run run_\S+ failed/.test(nodeError?.message ?? ''),
		`${FLORA} itself is in error with the run's failure (got ${nodeError ? `"${nodeError.message}"` : `no error, status ${floraTask?.executionStatus}, items ${JSON.stringify(itemsOf(exec, FLORA))}`})`,
	);
	check(runData['Edit Fields'] === undefined, `nothing ran after ${FLORA} (Edit Fields ${runData['Edit Fields'] ? 'ran' : 'did not run'})`);
	check(runData['Webhook (e2e)'] !== undefined, 'the Webhook trigger’s run data is kept in the saved execution');
	const state = await simState();
	const run = resumeRunsOf(state, id)[0];
	check(run?.status === 'failed', `the execution's run failed in the simulator (${run?.run_id}, ${run?.status})`);
	const deliveries = state.webhookDeliveries.filter((d) => d.runId === run?.run_id);
	check(
		deliveries.length >= 1 && deliveries.every((d) => d.status >= 200 && d.status < 300),
		`FLORA's callback was answered 2xx (got ${deliveries.map((d) => d.status ?? d.error).join(', ') || 'no delivery'})`,
	);
	check(
		(nodeError?.message ?? '').includes(run?.run_id ?? 'run_unknown'),
		`the error names the run (${run?.run_id})`,
	);
}

/** Starts a run on the simulator whose callback is the trigger; answers its id. */
async function startRunCallingTrigger(triggerUrl, script) {
	const start = await fetch(`${simApi}/techniques/tech_voiceover/runs`, {
		method: 'POST',
		headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({ inputs: [{ id: 'script', type: 'text', value: script }], mode: 'async', callback_url: triggerUrl }),
	});
	const started = await start.json();
	check([200, 201, 202].includes(start.status), `the simulator started a run with callback_url ${triggerUrl} (HTTP ${start.status})`);
	return started.run_id ?? started.technique_run_id;
}

async function answeredDelivery(runId) {
	return await until(
		'the callback to be answered',
		async () => (await simState()).webhookDeliveries.find((d) => d.runId === runId && d.status !== null),
		{ timeoutMs: 30000 },
	);
}

async function replay(triggerUrl, delivery) {
	const headers = Object.fromEntries(Object.entries(delivery.headers).filter(([k]) => k.toLowerCase() !== 'content-length'));
	const answer = await fetch(triggerUrl, { method: 'POST', headers, body: delivery.body });
	return { status: answer.status, body: await answer.text() };
}

async function finishedExecutions(workflowId) {
	return (await executionsOf(workflowId)).filter((e) => ['success', 'error', 'crashed'].includes(e.status)).length;
}

async function triggerPattern() {
	const workflowId = args['workflow-id'];
	// The checks post to n8n on loopback; FLORA is given n8n's public production URL.
	const triggerUrl = `${base}/webhook/${args['trigger-path']}`;
	const publicTriggerUrl = `${publicBase}/webhook/${args['trigger-path']}`;
	const before = (await executionsOf(workflowId)).length;

	// A forged call: refused, nothing runs.
	const forged = await fetch(triggerUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'flora-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
		body: JSON.stringify({ id: 'whd_forged', type: 'run.completed', data: { run_id: 'run_forged' } }),
	});
	check(forged.status === 401, `a call with a forged signature is answered 401 (got ${forged.status})`);

	// A run started on FLORA (the simulator) directly, calling the trigger when it ends.
	const start = await fetch(`${simApi}/techniques/tech_voiceover/runs`, {
		method: 'POST',
		headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({
			inputs: [{ id: 'script', type: 'text', value: 'Spring collection, now in stores.' }],
			mode: 'async',
			callback_url: publicTriggerUrl,
		}),
	});
	const started = await start.json();
	if (!check(start.status === 201 || start.status === 200 || start.status === 202, `the simulator started a run with callback_url ${publicTriggerUrl} (HTTP ${start.status})`)) {
		info(JSON.stringify(started).slice(0, 300));
		return;
	}
	const runId = started.run_id ?? started.technique_run_id;
	info(`run ${runId}`);
	const delivery = await until(
		'the callback to be answered',
		async () => (await simState()).webhookDeliveries.find((d) => d.runId === runId && d.status !== null),
		{ timeoutMs: 30000 },
	);
	check(delivery.status === 200, `the trigger answered FLORA's signed callback 200 (got ${delivery.status ?? delivery.error})`);

	const exec = await until('the trigger execution to end', async () => {
		const list = (await executionsOf(workflowId)).filter((e) => ['success', 'error', 'crashed'].includes(e.status));
		return list.length > before ? list[0] : undefined;
	});
	check(exec.status === 'success', `the trigger workflow ran to "success" (got "${exec.status}", mode ${exec.mode})`);
	const full = await execution(exec.id);
	const [event] = itemsOf(full, 'FLORA Trigger');
	check(
		event?.event === 'run.completed' && event?.run_id === runId && event?.delivery_id === delivery.deliveryId,
		`FLORA Trigger output the event run.completed for run ${runId}, delivery ${delivery.deliveryId} (got ${event?.event}, ${event?.run_id}, ${event?.delivery_id})`,
	);
	const outputs = event?.run?.outputs ?? [];
	check(
		event?.run?.technique_id === 'tech_voiceover' && outputs.length === 1 && outputs[0].type === 'audioUrl' && /^https?:\/\//.test(outputs[0].url ?? ''),
		`the item carries the run with its outputs (technique ${event?.run?.technique_id}, outputs ${outputs.map((o) => `${o.type} ${o.url}`).join(', ') || 'none'}${event?.run_error ? `, run_error ${event.run_error}` : ''})`,
	);
	const [edit] = itemsOf(full, 'Edit Fields');
	check(
		edit?.event === 'run.completed' && edit?.run === runId && Array.isArray(edit?.output_urls) && edit.output_urls[0] === outputs[0]?.url,
		`Edit Fields got event, run and output_urls (${JSON.stringify(edit ?? null)})`,
	);

	// The same delivery again (FLORA delivers at least once): answered, nothing runs.
	const again = await replay(triggerUrl, delivery);
	check(again.status === 200, `the same delivery posted again is answered 200 (got ${again.status}: ${again.body.slice(0, 120)})`);
	await sleep(2000);
	const after = await executionsOf(workflowId);
	check(after.length === before + 1, `still exactly one execution of the trigger workflow (got ${after.length - before})`);

	// Two more distinct deliveries start one execution each; then every delivery replayed,
	// twice, starts nothing: what the trigger remembers really reached n8n's database.
	const deliveries = [delivery];
	for (const script of ['Summer collection.', 'Autumn collection.']) {
		deliveries.push(await answeredDelivery(await startRunCallingTrigger(publicTriggerUrl, script)));
	}
	check(deliveries.every((d) => d.status === 200), `the two new deliveries were answered 200 (${deliveries.map((d) => d.status).join(', ')})`);
	await until('three trigger executions', async () => (await finishedExecutions(workflowId)) >= before + 3, { timeoutMs: 30000 });
	const replays = [];
	for (const d of [...deliveries, ...deliveries]) replays.push(await replay(triggerUrl, d));
	check(
		replays.every((r) => r.status === 200 && JSON.parse(r.body).duplicate === true),
		`each of the three deliveries replayed twice is answered as a duplicate (${replays.map((r) => `${r.status} ${r.body}`).join('; ')})`,
	);
	await sleep(3000);
	check(
		(await executionsOf(workflowId)).length === before + 3,
		`replays started nothing: ${(await executionsOf(workflowId)).length - before} executions for 3 distinct deliveries`,
	);

	// Four copies of a new signed delivery at once: one execution; the accepted one is answered
	// with a small JSON body.
	const body = JSON.stringify({
		id: `whd_e2e_burst_${Date.now()}`,
		type: 'run.completed',
		api_version: '2026-06-11',
		created_at: Date.now(),
		data: { run_id: runId, run_type: 'technique', workspace_id: 'ws_sim_studio', status: 'completed' },
	});
	const t = Math.floor(Date.now() / 1000);
	const signature = `t=${t},v1=${createHmac('sha256', process.env.SIM_WEBHOOK_SECRET ?? '').update(`${t}.${body}`).digest('hex')}`;
	const burst = await Promise.all(
		[1, 2, 3, 4].map(async () => {
			const answer = await fetch(triggerUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'flora-signature': signature }, body });
			return { status: answer.status, body: await answer.text() };
		}),
	);
	const accepted = burst.filter((r) => r.body === '{"received":true}');
	check(
		burst.every((r) => r.status === 200) && accepted.length === 1,
		`four copies at once: all answered 200, one accepted with {"received":true} (${burst.map((r) => r.body).join('; ')})`,
	);
	await until('the burst execution', async () => (await finishedExecutions(workflowId)) >= before + 4, { timeoutMs: 30000 });
	await sleep(3000);
	check(
		(await executionsOf(workflowId)).length === before + 4,
		`the four copies started one execution (${(await executionsOf(workflowId)).length - before - 3})`,
	);
}

const CASES = {
	'long-video-webhook': longVideoWebhook,
	'long-video-webhook-timeout': longVideoWebhookTimeout,
	'long-video-webhook-fails': longVideoWebhookFails,
	'trigger-pattern': triggerPattern,
};
try {
	if (!CASES[caseName]) throw new Error(`unknown case ${caseName}`);
	await login(args.email, args.password);
	await CASES[caseName]();
} catch (e) {
	check(false, `${caseName} aborted: ${e.message}`);
}
process.exit(failures.length ? 1 : 0);
