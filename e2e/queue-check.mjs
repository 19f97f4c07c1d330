#!/usr/bin/env node
// Queue-mode cases against a started n8n 2.x in queue mode (e2e/queue-mode.sh: one main, two
// workers, one webhook process, PostgreSQL, Redis, binary data mode "database"). Which worker
// ran an execution is read from the workers' own logs ("Worker started execution <id> (job
// <n>)", "Worker finished execution …"); execution data from main's REST API.
//
//   technique-run      examples/technique-run.json behind a production Webhook trigger (called
//                      on main), polling: the execution ran on exactly one worker (never on
//                      main), and assert-execution.mjs's technique-run checks pass on its data.
//   batch              10 items at concurrency 3 (scheduled-batch with 10 prompts, runs of 2 s):
//                      success on a worker, 10 distinct runs and 20 items in order, and at most
//                      3 — and at some moment exactly 3 — of its runs going on at once in FLORA.
//   trigger            examples/trigger-pattern.json: a run started on the simulator calls the
//                      FLORA Trigger's production URL on the webhook process; one execution,
//                      run by a worker, with the event and the run's outputs; the delivery
//                      replayed to main and to the webhook process starts nothing more.
//   binary             scheduled-batch (3 runs, Download Outputs, images written to disk) on a
//                      worker: assert-execution.mjs's scheduled-batch checks pass, every binary
//                      is kept in the database, and main serves each one's bytes
//                      (GET /rest/binary-data) equal to the file FLORA serves.
//   parallel           three executions started at once: all succeed, their FLORA runs overlap
//                      in time, and both workers ran at least one of them.
//   webhook-wait       long-video-webhook (Wait By: Webhook): the run's callback_url is the
//                      webhook process's /webhook-waiting/<execution> (not localhost), the
//                      execution waits, FLORA's callback to the webhook process is answered 200,
//                      and the resumed execution is finished by a worker with the run's outputs.
//   webhook-wait-killed  the same, with the worker that started the execution killed (SIGKILL)
//                      while it waited: the other worker finishes it.
//   polling-killed     technique-run (polling) behind a production Webhook, the worker polling
//                      its run killed (SIGKILL) while the run goes on: the worker's log named the
//                      run, the execution and how to collect it; n8n 2.x marks the execution
//                      "error" with its own stall error and no node data, and nobody runs it
//                      again (n8n 1.x, opt-in: another worker runs it again and the node fails
//                      saying an earlier attempt started the run); FLORA ran one run, which
//                      completed; n8n's Retry of the execution starts no other run.
// A case that killed a worker asks queue-mode.sh for a new one when cases follow.
//
// Usage: node e2e/queue-check.mjs --main-url URL --hook-url URL --public-url URL --sim-url URL --email E
//   --password P --n8n-dir DIR --index TSV --work DIR --files DIR --workers worker1=PID,worker2=PID
//   --trigger-path PATH --n8n-version V [--cases all|"a b"] [--wait-run-seconds N]
//   [--poll-run-seconds N] [--time-scale N]
// Prints "ok"/"FAIL" lines per case; the last line is "e2e queue: N passed, M failed".
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const argv = process.argv.slice(2);
const args = {};
for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
const main = args['main-url'].replace(/\/+$/, '');
const hook = args['hook-url'].replace(/\/+$/, '');
// n8n's WEBHOOK_URL (https://n8n.flora.test/): the simulator delivers callbacks for it to the
// webhook process on loopback, so FLORA sees the URLs a public installation would give it.
const publicUrl = args['public-url'].replace(/\/+$/, '');
/** A FLORA callback that reached the webhook process (the simulator's mapping of the public host). */
const reachedHook = (delivery) => (delivery.deliveredTo ?? delivery.url).startsWith(`${hook}/`);
const simApi = args['sim-url'].replace(/\/+$/, '');
const simRoot = simApi.replace(/\/api\/v1$/, '');
const work = args.work;
const apiKey = process.env.SIM_API_KEY;
const timeScale = Number(args['time-scale'] ?? 10);
const e2eDir = path.dirname(fileURLToPath(import.meta.url));
const { parse: parseFlatted } = createRequire(path.join(args['n8n-dir'], 'package.json'))(
	'flatted',
);
const workflowIds = Object.fromEntries(
	readFileSync(args.index, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map((l) => l.split('\t').slice(0, 2)),
);
const workers = Object.fromEntries(
	String(args.workers)
		.split(',')
		.map((kv) => kv.split('='))
		.map(([n, p]) => [n, Number(p)]),
);

const FLORA = 'FLORA Technique';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let failures = [];
function check(ok, message) {
	console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${message}`);
	if (!ok) failures.push(message);
	return ok;
}
const info = (m) => console.log(`  info ${m}`);
async function until(what, fn, { timeoutMs = 60000, everyMs = 250 } = {}) {
	const start = Date.now();
	for (;;) {
		const value = await fn();
		if (value) return value;
		if (Date.now() - start > timeoutMs)
			throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
		await sleep(everyMs);
	}
}

// ----------------------------------------------------------------------------- n8n (main)
let cookie = '';
async function login() {
	const res = await fetch(`${main}/rest/login`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({
			emailOrLdapLoginId: args.email,
			email: args.email,
			password: args.password,
		}),
	});
	if (!res.ok) throw new Error(`login answered ${res.status}`);
	cookie = res.headers
		.getSetCookie()
		.map((c) => c.split(';')[0])
		.join('; ');
}
async function rest(p) {
	const res = await fetch(`${main}/rest${p}`, { headers: { cookie, accept: 'application/json' } });
	const text = await res.text();
	if (!res.ok) throw new Error(`GET /rest${p} answered ${res.status}: ${text.slice(0, 200)}`);
	return JSON.parse(text).data;
}
async function executionsOf(workflowId) {
	const data = await rest(
		`/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=50`,
	);
	return (data.results ?? data ?? []).map((e) => ({ ...e, id: String(e.id) }));
}
async function execution(id) {
	const e = await rest(`/executions/${id}`);
	return { ...e, data: typeof e.data === 'string' ? parseFlatted(e.data) : e.data };
}
const ENDED = ['success', 'error', 'crashed', 'canceled'];
async function watchUntilEnd(workflowId, id, timeoutMs = 120000) {
	const seen = [];
	const t0 = Date.now();
	const final = await until(
		`execution ${id} to end`,
		async () => {
			const e = (await executionsOf(workflowId)).find((x) => x.id === id);
			if (e && seen.at(-1) !== e.status) seen.push(e.status);
			return e && ENDED.includes(e.status) ? e : undefined;
		},
		{ timeoutMs, everyMs: 200 },
	);
	info(`execution ${id}: ${seen.join(' → ')} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
	return { final, seen };
}
async function callHook(base, hookPath) {
	const res = await fetch(`${base}/webhook/${hookPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ from: 'e2e-queue' }),
	});
	return res.status;
}
/** Calls the twin's webhook on main; answers the new execution's id. */
async function startByWebhook(workflowId, hookPath, base = main) {
	const before = new Set((await executionsOf(workflowId)).map((e) => e.id));
	const status = await callHook(base, hookPath);
	check(
		status === 200,
		`POST ${base === main ? 'main' : 'webhook process'} /webhook/${hookPath} answered ${status}`,
	);
	const e = await until('the execution to appear', async () =>
		(await executionsOf(workflowId)).find((x) => !before.has(x.id)),
	);
	return e.id;
}
const itemsOf = (exec, node) =>
	exec.data?.resultData?.runData?.[node]?.at(-1)?.data?.main?.[0] ?? [];

// ----------------------------------------------------------------------------- workers
function workerLog(name) {
	const file = path.join(work, `${name}.log`);
	return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
/** { worker1: { started: n, finished: n }, … } for one execution, from the workers' logs. */
function workersOf(id) {
	const out = {};
	for (const name of Object.keys(workers)) {
		const log = workerLog(name);
		const started = log.split(`Worker started execution ${id} (`).length - 1;
		const finished = log.split(`Worker finished execution ${id} (`).length - 1;
		if (started || finished) out[name] = { started, finished };
	}
	return out;
}
const describeWorkers = (w) => JSON.stringify(w);
/** The worker logs also name the finish a moment after the execution is saved. */
async function workersWhenFinished(id, jobs = 1) {
	try {
		return await until(
			`the workers' logs to show execution ${id} finished`,
			async () => {
				const w = workersOf(id);
				const finished = Object.values(w).reduce((n, x) => n + x.finished, 0);
				return finished >= jobs ? w : undefined;
			},
			{ timeoutMs: 10000 },
		);
	} catch {
		return workersOf(id);
	}
}
function ranOnOneWorker(id, w) {
	const names = Object.keys(w);
	check(
		names.length === 1 && w[names[0]].started === 1 && w[names[0]].finished === 1,
		`execution ${id} ran on exactly one worker, start to finish (${describeWorkers(w)})`,
	);
	return names[0];
}

// ----------------------------------------------------------------------------- simulator
const simState = async () => (await fetch(`${simRoot}/_simulator/state?include=requests`)).json();
/** Most runs going on at once, on the simulated clock (a run goes on from its creation to its end). */
function peakConcurrency(runs) {
	let peak = 0;
	for (const r of runs)
		peak = Math.max(
			peak,
			runs.filter((o) => o.simCreated <= r.simCreated && r.simCreated < o.simEnd).length,
		);
	return peak;
}

// ----------------------------------------------------------------------------- cases
function assertExecution(caseName, exec, extraEnv = {}) {
	// assert-execution.mjs reads what `n8n execute --rawOutput` prints: the run as pretty JSON.
	const file = path.join(work, `${caseName}.execution.json`);
	writeFileSync(
		file,
		JSON.stringify(
			{ data: exec.data, status: exec.status, finished: exec.finished, mode: exec.mode },
			null,
			2,
		),
	);
	const r = spawnSync(
		process.execPath,
		[
			path.join(e2eDir, 'assert-execution.mjs'),
			caseName,
			file,
			exec.status === 'success' ? '0' : '1',
		],
		{
			encoding: 'utf8',
			env: { ...process.env, SIM_BASE_URL: simApi, ...extraEnv },
		},
	);
	process.stdout.write(r.stdout.replace(/^ {2}/gm, '    '));
	check(
		r.status === 0,
		`assert-execution.mjs ${caseName} passes on the execution's data (exit ${r.status})`,
	);
}

async function techniqueRun() {
	const wf = workflowIds['queue-technique-run'];
	const id = await startByWebhook(wf, 'flora-e2e-queue-technique-run');
	const { final } = await watchUntilEnd(wf, id);
	check(final.status === 'success', `the execution ended "success" (got "${final.status}")`);
	check(
		final.mode === 'webhook',
		`it was started by the production Webhook trigger (mode ${final.mode})`,
	);
	ranOnOneWorker(id, await workersWhenFinished(id));
	assertExecution('technique-run', await execution(id));
}

async function batch() {
	const wf = workflowIds['queue-batch'];
	const id = await startByWebhook(wf, 'flora-e2e-queue-batch');
	const { final } = await watchUntilEnd(wf, id);
	check(final.status === 'success', `the execution ended "success" (got "${final.status}")`);
	ranOnOneWorker(id, await workersWhenFinished(id));
	const exec = await execution(id);
	const items = itemsOf(exec, FLORA).map((i) => i.json);
	const runIds = [...new Set(items.map((j) => j.run_id))];
	check(
		items.length === 20 && runIds.length === 10,
		`${FLORA} output 20 items from 10 distinct runs (got ${items.length} from ${runIds.length})`,
	);
	check(
		items.every((j) => j.status === 'completed' && j.type === 'imageUrl'),
		'every item is a completed imageUrl output',
	);
	const state = await simState();
	const runs = state.runs.filter((r) => runIds.includes(r.run_id));
	const prompts = runs.map((r) => r.inputs.find((i) => i.id === 'prompt')?.value);
	const order = items
		.filter((_, k) => k % 2 === 0)
		.map(
			(j) => runs.find((r) => r.run_id === j.run_id)?.inputs.find((i) => i.id === 'prompt')?.value,
		);
	check(
		JSON.stringify(order) ===
			JSON.stringify(
				Array.from({ length: 10 }, (_, i) => `Batch shot ${i + 1} of the vase #duration:20`),
			),
		`the items keep the prompts' order (${order.map((p) => p?.match(/shot (\d+)/)?.[1]).join(', ')})`,
	);
	check(
		runs.length === 10 && new Set(prompts).size === 10,
		`FLORA got 10 runs, one per prompt (${runs.length})`,
	);
	const peak = peakConcurrency(runs);
	check(
		peak === 3,
		`at most 3 of the batch's runs went on at once, and at one moment 3 did (peak ${peak})`,
	);
}

async function trigger() {
	const wf = workflowIds['trigger-pattern'];
	const triggerUrl = `${publicUrl}/webhook/${args['trigger-path']}`;
	const before = (await executionsOf(wf)).length;
	const start = await fetch(`${simApi}/techniques/tech_voiceover/runs`, {
		method: 'POST',
		headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
		body: JSON.stringify({
			inputs: [{ id: 'script', type: 'text', value: 'Queue mode, spring collection.' }],
			mode: 'async',
			callback_url: triggerUrl,
		}),
	});
	const started = await start.json();
	check(
		[200, 201, 202].includes(start.status),
		`the simulator started a run calling the trigger on the webhook process (${triggerUrl}, HTTP ${start.status})`,
	);
	const runId = started.run_id ?? started.technique_run_id;
	const delivery = await until(
		'the callback to be answered',
		async () =>
			(await simState()).webhookDeliveries.find((d) => d.runId === runId && d.status !== null),
		{ timeoutMs: 30000 },
	);
	check(
		delivery.status === 200 && reachedHook(delivery),
		`the webhook process answered FLORA's signed callback 200 (got ${delivery.status ?? delivery.error} from ${delivery.deliveredTo ?? delivery.url})`,
	);
	const e = await until('the trigger execution', async () => {
		const list = (await executionsOf(wf)).filter((x) => ENDED.includes(x.status));
		return list.length > before ? list[0] : undefined;
	});
	check(e.status === 'success', `the trigger execution ended "success" (got "${e.status}")`);
	ranOnOneWorker(e.id, await workersWhenFinished(e.id));
	const exec = await execution(e.id);
	const [event] = itemsOf(exec, 'FLORA Trigger').map((i) => i.json);
	check(
		event?.event === 'run.completed' &&
			event?.run_id === runId &&
			event?.delivery_id === delivery.deliveryId &&
			event?.run?.outputs?.[0]?.type === 'audioUrl',
		`FLORA Trigger output run.completed for ${runId} with its outputs (got ${event?.event}, ${event?.run_id}, ${event?.run?.outputs?.map((o) => o.type).join(',')})`,
	);
	const [edit] = itemsOf(exec, 'Edit Fields').map((i) => i.json);
	check(edit?.run === runId, `Edit Fields ran on it (${JSON.stringify(edit ?? null)})`);
	const headers = Object.fromEntries(
		Object.entries(delivery.headers).filter(([k]) => k.toLowerCase() !== 'content-length'),
	);
	const replays = [];
	for (const base of [main, hook]) {
		const r = await fetch(`${base}/webhook/${args['trigger-path']}`, {
			method: 'POST',
			headers,
			body: delivery.body,
		});
		replays.push(`${base === main ? 'main' : 'webhook'} ${r.status} ${await r.text()}`);
	}
	check(
		replays.every((r) => /^\S+ 200 .*"duplicate":true/.test(r)),
		`the delivery replayed to main and to the webhook process is a duplicate (${replays.join('; ')})`,
	);
	await sleep(3000);
	const after = (await executionsOf(wf)).length;
	check(after === before + 1, `one execution for one delivery (${after - before})`);
}

async function binary() {
	const wf = workflowIds['queue-binary'];
	const id = await startByWebhook(wf, 'flora-e2e-queue-binary');
	const { final } = await watchUntilEnd(wf, id);
	check(final.status === 'success', `the execution ended "success" (got "${final.status}")`);
	const ran = ranOnOneWorker(id, await workersWhenFinished(id));
	const exec = await execution(id);
	assertExecution('scheduled-batch', exec, { FLORA_E2E_FILES: args.files });
	const items = itemsOf(exec, FLORA);
	check(
		items.length === 6 && items.every((i) => /^database:/.test(i.binary?.data?.id ?? '')),
		`every binary output is kept in the database, by reference (${items
			.map((i) => i.binary?.data?.id)
			.slice(0, 2)
			.join(', ')}, …)`,
	);
	const read = [];
	for (const item of items) {
		const b = item.binary?.data ?? {};
		const fromMain = await fetch(
			`${main}/rest/binary-data?id=${encodeURIComponent(b.id ?? '')}&action=download`,
			{ headers: { cookie } },
		);
		const bytes = Buffer.from(await fromMain.arrayBuffer());
		const fromFlora = Buffer.from(await (await fetch(item.json.url)).arrayBuffer());
		read.push({
			status: fromMain.status,
			same: fromMain.ok && bytes.length > 100 && bytes.equals(fromFlora),
			size: bytes.length,
		});
	}
	check(
		read.length === 6 && read.every((r) => r.same),
		`main (which ran none of it; ${ran} did) serves every image's bytes, equal to FLORA's file (${read.map((r) => `${r.status} ${r.size}B${r.same ? '' : ' differs'}`).join(', ')})`,
	);
}

async function parallel() {
	const wf = workflowIds['queue-parallel'];
	const before = new Set((await executionsOf(wf)).map((e) => e.id));
	const statuses = await Promise.all(
		[1, 2, 3].map(() => callHook(main, 'flora-e2e-queue-parallel')),
	);
	check(
		statuses.every((s) => s === 200),
		`three calls at once answered ${statuses.join(', ')}`,
	);
	const ids = await until('three executions', async () => {
		const fresh = (await executionsOf(wf)).filter((e) => !before.has(e.id));
		return fresh.length >= 3 ? fresh.map((e) => e.id) : undefined;
	});
	const ends = [];
	for (const id of ids) ends.push((await watchUntilEnd(wf, id)).final);
	check(
		ends.length === 3 && ends.every((e) => e.status === 'success'),
		`all three ended "success" (${ends.map((e) => e.status).join(', ')})`,
	);
	const byWorker = {};
	for (const id of ids) {
		const w = await workersWhenFinished(id);
		byWorker[id] = ranOnOneWorker(id, w);
	}
	const used = new Set(Object.values(byWorker));
	check(used.size === 2, `both workers ran at least one of them (${JSON.stringify(byWorker)})`);
	const runIds = [];
	for (const id of ids)
		runIds.push(...itemsOf(await execution(id), FLORA).map((i) => i.json.run_id));
	const runs = (await simState()).runs.filter((r) => runIds.includes(r.run_id));
	const peak = peakConcurrency(runs);
	check(
		runs.length === 3 && peak === 3,
		`their three FLORA runs went on at the same time (${runs.length} runs, peak ${peak})`,
	);
}

async function webhookWait(kill) {
	const wf = workflowIds['queue-webhook-wait'];
	const id = await startByWebhook(wf, 'flora-e2e-queue-webhook-wait');
	await until(
		`execution ${id} to wait`,
		async () => (await executionsOf(wf)).find((x) => x.id === id && x.status === 'waiting'),
		{ timeoutMs: 60000 },
	);
	check(true, `execution ${id} is "waiting" for FLORA's callback`);
	const first = await workersWhenFinished(id);
	const starter = Object.keys(first);
	check(
		starter.length === 1 && first[starter[0]].started === 1,
		`one worker started it and let it wait (${describeWorkers(first)})`,
	);
	let state = await simState();
	const run = state.runs.find(
		(r) => /\/webhook-waiting\/(\d+)\?/.exec(r.callbackUrl ?? '')?.[1] === String(id),
	);
	check(
		!!run && run.callbackUrl.startsWith(`${publicUrl}/webhook-waiting/${id}?`),
		`the run's callback_url is the webhook process's resume URL, not localhost (${run?.callbackUrl ?? 'no run'})`,
	);
	if (!run) return;
	check(
		run.status !== 'completed' && run.status !== 'failed',
		`the run was still going when the execution waited (${run.status})`,
	);
	if (kill) {
		const victim = starter[0];
		check(
			await killWorker(victim),
			`${victim} (pid ${workers[victim]}), which started the execution, was killed while it waited`,
		);
		delete workers[victim];
	}
	const { final } = await watchUntilEnd(
		wf,
		id,
		(Number(args['wait-run-seconds']) / timeScale + 90) * 1000,
	);
	check(
		final.status === 'success',
		`the execution ended "success" after the callback (got "${final.status}")`,
	);
	state = await simState();
	const deliveries = state.webhookDeliveries.filter((d) => d.runId === run.run_id);
	check(
		deliveries.length >= 1 && deliveries[0].status === 200 && reachedHook(deliveries[0]),
		`FLORA's callback to the webhook process was answered 200 (${deliveries.map((d) => `${d.status ?? d.error} from ${d.deliveredTo ?? d.url}`).join(', ')})`,
	);
	const all = await workersWhenFinished(id, 2);
	const resumedBy = Object.entries(all)
		.filter(([name, w]) => (name === starter[0] ? w.started >= 2 : w.started >= 1))
		.map(([n]) => n);
	if (kill) {
		const other = Object.keys(workers)[0];
		check(
			resumedBy.length === 1 && resumedBy[0] === other && all[other].finished === 1,
			`the other worker (${other}) ran the resumed execution to its end (${describeWorkers(all)})`,
		);
	} else {
		check(
			resumedBy.length === 1 && Object.values(all).reduce((n, w) => n + w.finished, 0) === 2,
			`a worker ran the resumed execution to its end: two jobs, each started and finished (${describeWorkers(all)})`,
		);
	}
	const exec = await execution(id);
	const [item] = itemsOf(exec, FLORA).map((i) => i.json);
	check(
		item?.run_id === run.run_id &&
			item?.status === 'completed' &&
			JSON.stringify((item.outputs ?? []).map((o) => o.type)) === '["videoUrl","audioUrl"]',
		`${FLORA}'s item is the completed run with its video and audio (${item?.run_id}, ${item?.status})`,
	);
	const [edit] = itemsOf(exec, 'Edit Fields').map((i) => i.json);
	check(
		edit?.run === run.run_id && /\.mp4$/.test(edit?.video_url ?? ''),
		`Edit Fields ran after the resume (${JSON.stringify(edit ?? null)})`,
	);
	const reads = state.requests.filter(
		(r) =>
			r.method === 'GET' &&
			r.path.endsWith(`/runs/${run.run_id}`) &&
			r.receivedAt < deliveries[0]?.attemptedAt,
	);
	check(
		reads.length === 0,
		`nothing polled the run while the execution waited (${reads.length} read(s) before the callback)`,
	);
	if (kill) await replaceWorkerForNextCases('webhook-wait-killed', starter[0]);
}

/**
 * Asks queue-mode.sh for a new worker in place of a killed one (as an orchestrator replaces a
 * lost worker), when cases follow: they have two workers again.
 */
async function replaceWorkerForNextCases(caseName, killed) {
	if (wanted.indexOf(caseName) === wanted.length - 1) return;
	const name = `${killed}-new`;
	writeFileSync(path.join(work, `start-worker.${name}`), '');
	const pidFile = path.join(work, `${name}.pid`);
	const pid = await until(
		`${name} to start`,
		async () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : undefined),
		{ timeoutMs: 180000, everyMs: 500 },
	);
	workers[name] = pid;
	info(`${name} (pid ${pid}) started in place of ${killed}`);
}

/** Kills a worker's process group with SIGKILL; answers whether it is gone. */
async function killWorker(name) {
	try {
		process.kill(-workers[name], 'SIGKILL');
	} catch (e) {
		info(`kill: ${e.message}`);
	}
	await sleep(500);
	try {
		process.kill(workers[name], 0);
		return false;
	} catch {
		return true;
	}
}

const POLLING_MARK = '(polling-killed)';
const isPollingKilledRun = (r) => r.inputs?.some((i) => String(i.value).includes(POLLING_MARK));
const pollingKilledCreates = (state) =>
	state.requests.filter(
		(r) =>
			r.method === 'POST' &&
			/\/techniques\/[^/]+\/runs$/.test(r.path) &&
			JSON.stringify(r.body ?? '').includes(POLLING_MARK),
	);
const EARLIER_ATTEMPT =
	"An earlier attempt of this execution already started this item's run in FLORA";

/** The editor's Retry (with the original workflow) of an execution; answers what n8n said. */
async function retryExecution(id) {
	const res = await fetch(`${main}/rest/executions/${id}/retry`, {
		method: 'POST',
		headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
		body: JSON.stringify({ loadWorkflow: false }),
	});
	const text = await res.text();
	let body;
	try {
		body = JSON.parse(text).data;
	} catch {
		body = undefined;
	}
	return body?.id
		? `${res.status}: execution ${body.id} (retry of ${body.retryOf}) "${body.status}"`
		: `${res.status} ${text.slice(0, 200)}`;
}

async function pollingKilled() {
	const v1 = String(args['n8n-version']).startsWith('1.');
	const wf = workflowIds['queue-polling-killed'];
	const earlier = new Set((await simState()).runs.filter(isPollingKilledRun).map((r) => r.run_id));
	const createsBefore = pollingKilledCreates(await simState()).length;
	const id = await startByWebhook(wf, 'flora-e2e-queue-polling-killed');
	const run = await until(
		'the execution to start its FLORA run',
		async () =>
			(await simState()).runs.find((r) => isPollingKilledRun(r) && !earlier.has(r.run_id)),
		{ timeoutMs: 60000 },
	);
	const started = workersOf(id);
	const victim = Object.keys(started)[0];
	check(
		Object.keys(started).length === 1 && started[victim].started === 1,
		`one worker runs execution ${id} and polls FLORA run ${run.run_id} (${describeWorkers(started)})`,
	);
	if (!victim) return;
	const logLine = await until(
		`${victim}'s log to name the run`,
		async () =>
			workerLog(victim)
				.split('\n')
				.find((l) => l.includes(`FLORA run ${run.run_id} started`)),
		{ timeoutMs: 10000 },
	).catch(() => '');
	check(
		logLine.includes(`execution ${id})`) &&
			logLine.includes(
				`collect it with Run → Wait (Technique: tech_every_output, Run ID: ${run.run_id})`,
			),
		`${victim}'s log names the run, the execution and how to collect it: ${logLine.trim() || 'no line'}`,
	);
	const killedAt = Date.now();
	const statusAtKill = (await simState()).runs.find((r) => r.run_id === run.run_id)?.status;
	check(
		(await killWorker(victim)) && !['completed', 'failed'].includes(statusAtKill),
		`${victim} (pid ${workers[victim]}) was killed while it polled, the run still going (${statusAtKill})`,
	);
	const other = Object.keys(workers).find((name) => name !== victim);
	delete workers[victim];
	const { final } = await watchUntilEnd(wf, id, 240000);
	const after = Math.round((Date.now() - killedAt) / 1000);
	const exec = await execution(id);
	const { error, runData = {} } = exec.data?.resultData ?? {};
	const ranAgain = workersOf(id);
	if (!v1) {
		// n8n 2.x makes Bull give a stalled job up (maxStalledCount 0): nobody runs it again.
		check(
			final.status === 'error' &&
				/failed to be processed too many times and will no longer retry/.test(error?.message ?? ''),
			`n8n marked execution ${id} "${final.status}" ${after}s after the kill, with its own stall error: ${JSON.stringify(error?.message)}`,
		);
		check(
			Object.keys(runData).length === 0,
			`n8n kept no node data of the execution, nothing that names the run (nodes with data: ${JSON.stringify(Object.keys(runData))})`,
		);
		check(
			!ranAgain[other],
			`${other} did not run the execution again (its log shows no start of it)`,
		);
	} else {
		// n8n 1.x lets Bull run a stalled job once more (QUEUE_WORKER_MAX_STALLED_COUNT, default 1).
		check(
			ranAgain[other]?.started === 1,
			`n8n ran execution ${id} again on ${other} (${describeWorkers(ranAgain)}), ${after}s after the kill`,
		);
		const nodeError = runData[FLORA]?.at(-1)?.error;
		check(
			final.status === 'error' && nodeError?.message === EARLIER_ATTEMPT,
			`the execution ended "${final.status}" with the node's error: ${JSON.stringify(nodeError?.message ?? error?.message)}`,
		);
		check(
			/Run → Get Many \(Technique: tech_every_output\)/.test(nodeError?.description ?? '') &&
				(nodeError?.description ?? '').includes(`execution ${id})`),
			`the error says how to find the run and collect it: ${JSON.stringify(nodeError?.description)}`,
		);
	}
	const ended = await until(
		`FLORA run ${run.run_id} to end`,
		async () => {
			const r = (await simState()).runs.find((x) => x.run_id === run.run_id);
			return ['completed', 'failed'].includes(r?.status) ? r : undefined;
		},
		{ timeoutMs: (Number(args['poll-run-seconds']) / timeScale + 60) * 1000 },
	);
	const retried = await retryExecution(id);
	info(`retrying execution ${id} (POST /rest/executions/${id}/retry) answered ${retried}`);
	await sleep(5000);
	const state = await simState();
	const runs = state.runs.filter((r) => isPollingKilledRun(r) && !earlier.has(r.run_id));
	const creates = pollingKilledCreates(state).slice(createsBefore);
	const described = creates.map((r) => `${r.status} ${r.headers['idempotency-key']}`).join(', ');
	check(
		runs.length === 1 && ended.status === 'completed',
		`FLORA ran one run for the item, ${run.run_id}, and it completed, charged ${ended.chargedCost} (${runs.map((r) => `${r.run_id} ${r.status}`).join(', ')})`,
	);
	check(
		creates.filter((r) => r.status < 300).length === 1 &&
			new Set(creates.map((r) => r.headers['idempotency-key'])).size === 1,
		`every start of the item's run, the retry's included, had one key and FLORA accepted one (${described})`,
	);
	await replaceWorkerForNextCases('polling-killed', victim);
}

const CASES = {
	'technique-run': techniqueRun,
	batch,
	trigger,
	binary,
	parallel,
	'webhook-wait': () => webhookWait(false),
	'webhook-wait-killed': () => webhookWait(true),
	'polling-killed': pollingKilled,
};
const wanted =
	!args.cases || args.cases === 'all'
		? Object.keys(CASES)
		: args.cases.split(/[\s,]+/).filter(Boolean);
const results = [];
await login();
for (const name of wanted) {
	const t0 = Date.now();
	failures = [];
	console.log(`- ${name}`);
	try {
		if (!CASES[name]) throw new Error(`unknown case ${name}`);
		await CASES[name]();
	} catch (e) {
		check(false, `${name} aborted: ${e.message}`);
	}
	const ok = failures.length === 0;
	results.push({ name, ok });
	console.log(`- ${name}: ${ok ? 'PASS' : 'FAIL'}, ${((Date.now() - t0) / 1000).toFixed(0)}s`);
}
const passed = results.filter((r) => r.ok).length;
for (const r of results.filter((x) => !x.ok)) console.log(`  FAIL queue ${r.name}`);
console.log(`e2e queue: ${passed} passed, ${results.length - passed} failed`);
process.exit(passed === results.length && results.length > 0 ? 0 : 1);
