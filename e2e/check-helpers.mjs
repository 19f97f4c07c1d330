// What the checks against a started n8n share (served-check.mjs, tool-check.mjs): "ok"/"FAIL"
// lines, waiting for a condition, n8n's REST API as the owner (executions and their run data,
// read with `flatted` from the n8n install) and the FLORA simulator's state.
import { createRequire } from 'node:module';
import path from 'node:path';

/** Command-line `--name value` pairs after the case name: { name: value }. */
export function parseArgs(argv) {
	const args = {};
	for (let i = 0; i < argv.length; i += 2) args[argv[i].replace(/^--/, '')] = argv[i + 1];
	return args;
}

export const failures = [];
export function check(ok, message) {
	console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${message}`);
	if (!ok) failures.push(message);
	return ok;
}
export function info(message) {
	console.log(`  info ${message}`);
}
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function until(what, fn, { timeoutMs = 60000, everyMs = 250 } = {}) {
	const start = Date.now();
	for (;;) {
		const value = await fn();
		if (value) return value;
		if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
		await sleep(everyMs);
	}
}

/** n8n's REST API on `base` (loopback), logged in as the owner once `login` ran. */
export function n8nRest(base, n8nDir) {
	const { parse: parseFlatted } = createRequire(path.join(n8nDir, 'package.json'))('flatted');
	let cookie = '';
	async function rest(pathAndQuery) {
		const res = await fetch(`${base}/rest${pathAndQuery}`, { headers: { cookie, accept: 'application/json' } });
		const text = await res.text();
		if (!res.ok) throw new Error(`GET /rest${pathAndQuery} answered ${res.status}: ${text.slice(0, 200)}`);
		return JSON.parse(text).data;
	}
	return {
		async login(email, password) {
			const res = await fetch(`${base}/rest/login`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ emailOrLdapLoginId: email, email, password }),
			});
			if (!res.ok) throw new Error(`login answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
			cookie = (res.headers.getSetCookie?.() ?? [res.headers.get('set-cookie')])
				.filter(Boolean)
				.map((c) => c.split(';')[0])
				.join('; ');
		},
		rest,
		/** The workflow's executions, newest first: [{ id, status, mode, finished, ... }]. */
		async executionsOf(workflowId) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const data = await rest(`/executions?filter=${filter}&limit=20`);
			return (data.results ?? data ?? []).map((e) => ({ ...e, id: String(e.id) }));
		},
		/** One execution with its run data ({ status, data: IRunExecutionData }). */
		async execution(id) {
			const e = await rest(`/executions/${id}`);
			return { ...e, data: typeof e.data === 'string' ? parseFlatted(e.data) : e.data };
		},
	};
}

/** The items a node output on its first output of `type` (main; a tool's is ai_tool) in its last run. */
export function itemsOf(exec, node, type = 'main') {
	const runs = exec.data?.resultData?.runData?.[node] ?? [];
	return (runs.at(-1)?.data?.[type]?.[0] ?? []).map((item) => item.json);
}

/** The simulator's state with every API and media request it received. */
export async function simState(simRoot) {
	const res = await fetch(`${simRoot}/_simulator/state?include=requests`);
	return await res.json();
}
