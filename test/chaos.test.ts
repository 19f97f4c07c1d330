/*
 * The run guarantees under seeded random faults on every route (429 with retry-after, 500,
 * 503, dropped connections, connections dropped after FLORA acted, slow answers, cut streams
 * and cut downloads): 100 items at concurrency 10, polling, stream and webhook wait, with and
 * without Download Outputs, five seeds each. A test of invariants, not of times.
 */
import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_API_KEY } from '../simulator';

import {
	CHAOS_FAULTS,
	chaosProblems,
	chaosSeeds,
	runChaosExecution,
	seededPrompts,
} from './harness/chaos';
import {
	FLORA_NODE,
	runTechniqueWorkflow,
	technique,
	textInput,
	useSimulator,
	webhookCredentials,
} from './harness/flora';
import type { ExecutionOutcome } from './harness/invariants';
import { violations } from './harness/invariants';
import { captureLogs } from './harness/logs';
import { startWaitingExecution } from './harness/waiting';

const flora = useSimulator({ timeScale: 100 });

const SEEDS = chaosSeeds('FLORA_CHAOS_SEEDS', '11,23,37,41,59');
const ITEMS = 100;

/** Everything the node logs, to check that the API key never reaches a log. */
const logged = captureLogs();
const logText = () => logged.map((entry) => `${entry.level} ${entry.line}`);

type Mode = 'poll' | 'stream' | 'webhook';
const VARIANTS: Array<{ mode: Mode; download: boolean }> = (
	['poll', 'stream', 'webhook'] as const
).flatMap((mode) => [false, true].map((download) => ({ mode, download })));
const nameOf = ({ mode, download }: { mode: Mode; download: boolean }) =>
	`${mode}${download ? '+download' : ''}`;

/** Item prompts of one execution: each its own, some failing, durations drawn from the seed. */
const promptsFor = (seed: number, variant: string) =>
	seededPrompts(seed, `seed ${seed} ${variant}`, ITEMS, { minSeconds: 5, spread: 16 });

function parameters(mode: Mode, download: boolean): IDataObject {
	return {
		technique: technique('every-output-type'),
		inputs: textInput('={{ $json.prompt }}'),
		mode: mode === 'stream' ? 'stream' : 'async',
		waitMode: mode === 'webhook' ? 'webhook' : 'poll',
		options: {
			concurrency: 10,
			outputLayout: 'perRun',
			pollInterval: 0.5,
			timeout: 300,
			...(download ? { download: true } : {}),
		},
	};
}

const credentials = () => webhookCredentials(flora.sim);

/** One execution of 100 items; its outcome once it has finished. */
async function runExecution(
	seed: number,
	variant: { mode: Mode; download: boolean },
): Promise<Omit<ExecutionOutcome, 'runs' | 'texts'> & { texts: string[] }> {
	const prompts = promptsFor(seed, nameOf(variant));
	const workflow = runTechniqueWorkflow(parameters(variant.mode, variant.download) as never, {
		continueOnFail: true,
	});
	const outcome = await runChaosExecution(workflow, prompts, {
		credentials: credentials(),
		webhook: variant.mode === 'webhook',
	});
	return { prompts, ...outcome };
}

describe('under random faults on every route, 100 items at concurrency 10', () => {
	test.each(SEEDS)(
		'seed %i, polling, stream and webhook wait, with and without Download Outputs: every run on its own item, no orphan, no double start, errors name their runs, the key never leaks, one resume',
		async (seed) => {
			logged.length = 0;
			flora.sim.setChaos({ seed, ...CHAOS_FAULTS });
			// The six executions run at once against one FLORA; their runs are told apart by prompt.
			const outcomes = await Promise.all(VARIANTS.map((variant) => runExecution(seed, variant)));
			flora.sim.setChaos(null);

			const found: Record<string, string[]> = {};
			VARIANTS.forEach((variant, index) => {
				// A create refused five times in a row starts no run (its error says so): rare.
				const { problems } = chaosProblems(flora.sim, outcomes[index], {
					prefix: `seed ${seed} ${nameOf(variant)} item `,
					logLines: logText(),
					minStarted: ITEMS - 5,
					download: variant.download,
				});
				if (problems.length > 0) found[nameOf(variant)] = problems;
			});

			expect(found).toEqual({});
			expect(flora.sim.chaosLog.length).toBeGreaterThan(200);
			// The key check read the node's log lines: every run an item carries was logged.
			const text = logText().join('\n');
			const carried = outcomes.flatMap((outcome) =>
				outcome.items.map((item) => item.json.run_id).filter((id) => typeof id === 'string'),
			);
			expect(carried.length).toBeGreaterThanOrEqual(VARIANTS.length * (ITEMS / 2));
			expect(carried.filter((id) => !text.includes(`FLORA run ${String(id)} started`))).toEqual([]);
		},
		240_000,
	);
});

describe('Wait By: Webhook at 500 items, under random faults on one request in ten', () => {
	test('at most 3 requests per run in all, create included; no descriptor exhaustion; every promise holds', async () => {
		const count = 500;
		flora.sim.setChaos({ seed: SEEDS[0], ...CHAOS_FAULTS, rate: 0.1 });
		const prompts = Array.from(
			{ length: count },
			(_, index) => `scale item ${index} #duration:${5 + (index % 16)}`,
		);
		const workflow = runTechniqueWorkflow(
			{
				...parameters('webhook', false),
				options: { concurrency: 20, outputLayout: 'perRun' },
			} as never,
			{ continueOnFail: true },
		);
		const execution = await startWaitingExecution(workflow, {
			credentials: credentials(),
			triggerItems: prompts.map((prompt) => ({ prompt })),
		});
		let outcome: ExecutionOutcome;
		try {
			const final = await execution.final;
			const items = final.nodes[FLORA_NODE]?.outputs.flat() ?? [];
			outcome = {
				prompts,
				items,
				runs: flora.sim.listRuns(),
				texts: [JSON.stringify(items), ...logText()],
				resumesAsked: execution.calls.filter((call) => call.resumeAsked).length,
			};
		} finally {
			await execution.close();
			flora.sim.setChaos(null);
		}

		expect(violations(outcome, DEFAULT_API_KEY)).toEqual([]);
		expect(flora.sim.requests.length).toBeLessThanOrEqual(3 * count);
		expect(JSON.stringify(outcome.items)).not.toMatch(/EMFILE|ENFILE/);
		expect(outcome.items.filter((item) => item.json.status === 'completed').length).toBeGreaterThan(
			count * 0.9,
		);
	}, 240_000);
});
