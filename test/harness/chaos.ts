/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** What the seeded chaos suites share: their seeds, the faults, seeded prompts, one execution. */
import type { IDataObject, INodeExecutionData, IWorkflowBase } from 'n8n-workflow';

import type { ChaosSpec, FloraSimulator } from '../../simulator';
import { DEFAULT_API_KEY } from '../../simulator';
import type { RunOptions } from './engine';
import { runWorkflow } from './engine';
import { FLORA_NODE } from './flora';
import type { ExecutionOutcome } from './invariants';
import { violations } from './invariants';
import { startWaitingExecution } from './waiting';

/** The seeds from the environment variable (comma separated), to try new ones; else those CI runs. */
export function chaosSeeds(variable: string, defaults: string): number[] {
	return (process.env[variable] ?? defaults)
		.split(',')
		.map((seed) => Number(seed.trim()))
		.filter((seed) => Number.isInteger(seed));
}

/** About 30 % of requests fail: 429 with a short retry-after, 500, 503, drops, slow answers. */
export const CHAOS_FAULTS: Omit<ChaosSpec, 'seed'> = {
	rate: 0.3,
	retryAfterSeconds: 0.1,
	slowMs: [20, 400],
};

/**
 * `count` prompts "<prefix> item <i> #duration:<s>", each its own, about 5 % failing
 * (#fail:provider_error), durations from `minSeconds` to `minSeconds + spread - 1` drawn from the seed.
 */
export function seededPrompts(
	seed: number,
	prefix: string,
	count: number,
	{ minSeconds, spread }: { minSeconds: number; spread: number },
): string[] {
	let state = seed;
	const next = () => {
		state = (state * 1103515245 + 12345) % 2 ** 31;
		return state / 2 ** 31;
	};
	return Array.from({ length: count }, (_, index) => {
		const duration = minSeconds + Math.floor(next() * spread);
		const fails = next() < 0.05 ? ' #fail:provider_error' : '';
		return `${prefix} item ${index} #duration:${duration}${fails}`;
	});
}

/**
 * One execution of the workflow on the prompts, to its end: waiting by webhook through the
 * waiting harness (FLORA's callbacks resume it), else run through. The texts are everything
 * it produced, for the check that the key never leaks.
 */
export async function runChaosExecution(
	workflow: IWorkflowBase,
	prompts: string[],
	{
		credentials,
		webhook,
	}: { credentials: NonNullable<RunOptions['credentials']>; webhook: boolean },
): Promise<{ items: INodeExecutionData[]; resumesAsked?: number; texts: string[] }> {
	const triggerItems: IDataObject[] = prompts.map((prompt) => ({ prompt }));
	if (webhook) {
		const execution = await startWaitingExecution(workflow, { credentials, triggerItems });
		try {
			const final = await execution.final;
			const items: INodeExecutionData[] = final.nodes[FLORA_NODE]?.outputs.flat() ?? [];
			return {
				items,
				resumesAsked: execution.calls.filter((call) => call.resumeAsked).length,
				texts: [
					JSON.stringify(items),
					JSON.stringify(final.run.data),
					JSON.stringify(execution.calls.map((call) => call.body)),
				],
			};
		} finally {
			await execution.close();
		}
	}
	const result = await runWorkflow(workflow, { credentials, triggerItems });
	const items = result.nodes[FLORA_NODE]?.outputs.flat() ?? [];
	return { items, texts: [JSON.stringify(items), JSON.stringify(result.run.data)] };
}

/**
 * One execution of a chaos suite held against the run guarantees: its runs (told apart from
 * the other executions' by their prompts' `prefix`) with everything it and the log (`logLines`)
 * wrote, and how much got through: at least `minStarted` runs, and with downloads half the
 * items carrying their files. Answers the outcome, for a suite's own checks, and the problems.
 */
export function chaosProblems(
	sim: FloraSimulator,
	execution: Omit<ExecutionOutcome, 'runs'>,
	check: { prefix: string; logLines: string[]; minStarted: number; download: boolean },
): { outcome: ExecutionOutcome; problems: string[] } {
	const outcome: ExecutionOutcome = {
		...execution,
		runs: sim.listRuns().filter((run) => run.inputs[0]?.value.startsWith(check.prefix)),
		texts: [...execution.texts, ...check.logLines],
	};
	const problems = violations(outcome, DEFAULT_API_KEY);
	if (outcome.runs.length < check.minStarted) {
		problems.push(`only ${outcome.runs.length} runs started`);
	}
	if (check.download) {
		const files = outcome.items.filter((item) => item.binary !== undefined).length;
		if (files < execution.prompts.length / 2)
			problems.push(`only ${files} items carry their files`);
	}
	return { outcome, problems };
}
