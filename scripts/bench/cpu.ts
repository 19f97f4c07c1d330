/* eslint-disable @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * Scenario 3: 1000 runs that end at once, to measure the CPU time n8n's engine and the node
 * spend per item. The simulator runs in a child process, so this process's CPU time is n8n
 * and the node only (plus the bench's own bookkeeping, which is negligible).
 */
import { spawn } from 'node:child_process';
import type { IDataObject } from 'n8n-workflow';

import { PACKAGE_DIR } from '../../test/harness/engine';
import { collectGarbage } from './environment';
import type { OwnCpu } from './profile';
import { profileOwnCpu } from './profile';
import { runTechnique } from './workflow';

export const CPU = {
	runs: 1000,
	/**
	 * The node reads a run for the first time 1 s after starting it, so 1000 runs at the default
	 * concurrency in one execution would take over 200 s of mostly idle waiting. They are
	 * split into this many executions run at once (each at the default concurrency); CPU time
	 * does not depend on how the idle waiting overlaps.
	 */
	executions: 10,
	warmUpItems: 50,
	/** Runs are created with `#duration:0`; at this scale the simulator's 1 s pending phase is 1 ms. */
	timeScale: 1000,
};

interface ChildSimulator {
	baseUrl: string;
	requestCount(): Promise<number>;
	stop(): Promise<void>;
}

/** Starts `simulator/cli.ts` in a child Node process and waits for the URL it prints. */
async function startChildSimulator(timeScale: number): Promise<ChildSimulator> {
	const child = spawn(
		process.execPath,
		['--import', 'tsx', 'simulator/cli.ts', '--time-scale', String(timeScale)],
		{ cwd: PACKAGE_DIR, stdio: ['ignore', 'pipe', 'pipe'] },
	);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	const baseUrl = await new Promise<string>((resolve, reject) => {
		let output = '';
		const fail = (why: string) =>
			reject(new Error(`The simulator did not start: ${why}\n${output}`));
		child.stdout.on('data', (chunk: Buffer) => {
			output += chunk.toString();
			const match = /base URL\s+(\S+)/.exec(output);
			if (match) resolve(match[1]);
		});
		child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
		child.once('error', (error) => fail(error.message));
		child.once('exit', (code) => fail(`it exited with code ${code}`));
	});
	const controlUrl = `${baseUrl.replace(/\/api\/v1$/, '')}/_simulator/state`;
	return {
		baseUrl,
		async requestCount() {
			const state = (await (await fetch(controlUrl)).json()) as { counters: { requests: number } };
			return state.counters.requests;
		},
		async stop() {
			child.kill('SIGTERM');
			await exited;
		},
	};
}

function instantRuns(count: number, label: string): IDataObject[] {
	return Array.from({ length: count }, (_, index) => ({ prompt: `${label} ${index} #duration:0` }));
}

function inChunks<T>(values: T[], chunks: number): T[][] {
	const size = Math.ceil(values.length / chunks);
	return Array.from({ length: chunks }, (_, index) =>
		values.slice(index * size, (index + 1) * size),
	);
}

export interface CpuResult {
	runs: number;
	executions: number;
	cpuUserMs: number;
	cpuSystemMs: number;
	wallMs: number;
	requestsPerItem: number;
	/** The node's own share, from the V8 profiler (see profile.ts). */
	own: OwnCpu;
}

/** The runs split into executions run at once, to their end; checks every item came out. */
async function runAll(baseUrl: string, label: string) {
	const executions = await Promise.all(
		inChunks(instantRuns(CPU.runs, label), CPU.executions).map(
			async (items) => await runTechnique(baseUrl, {}, items),
		),
	);
	const outputs = executions.reduce((total, execution) => total + execution.items.length, 0);
	if (outputs !== CPU.runs) throw new Error(`Expected ${CPU.runs} output items, got ${outputs}`);
}

/**
 * The runs twice: first with nothing else in the process, for the whole process's CPU time;
 * then under V8's profiler, for the node's own share (the profiler's sampling costs CPU time of
 * its own, so the first figure is taken without it).
 */
export async function measureCpu(): Promise<CpuResult> {
	const sim = await startChildSimulator(CPU.timeScale);
	try {
		await runTechnique(sim.baseUrl, {}, instantRuns(CPU.warmUpItems, 'warm-up'));
		const requestsBefore = await sim.requestCount();
		collectGarbage();
		const startedAt = performance.now();
		const before = process.cpuUsage();
		await runAll(sim.baseUrl, 'item');
		const used = process.cpuUsage(before);
		const wallMs = performance.now() - startedAt;
		const requests = (await sim.requestCount()) - requestsBefore;
		collectGarbage();
		const { own } = await profileOwnCpu(async () => await runAll(sim.baseUrl, 'profiled'));
		return {
			runs: CPU.runs,
			executions: CPU.executions,
			cpuUserMs: used.user / 1000,
			cpuSystemMs: used.system / 1000,
			wallMs,
			requestsPerItem: requests / CPU.runs,
			own,
		};
	} finally {
		await sim.stop();
	}
}
