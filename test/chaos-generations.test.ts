/*
 * Generation → Generate under seeded random faults on every route (GET /models, POST /generate,
 * GET /runs/{runId}, GET /generations, the media host): 429 with retry-after, 500, 503, dropped
 * connections, connections dropped after FLORA acted, slow answers, cut downloads. 60 items at
 * concurrency 10, polling and webhook wait, with and without Download Outputs, three seeds:
 * every item gets its own generation, none is orphaned or started twice, the key never leaks.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	CHAOS_FAULTS,
	chaosProblems,
	chaosSeeds,
	runChaosExecution,
	seededPrompts,
} from './harness/chaos';
import { runTechniqueWorkflow, useSimulator, webhookCredentials } from './harness/flora';
import { GENERATE_ROUTE, generate, modelLocator } from './harness/generation';
import { captureLogs } from './harness/logs';

const flora = useSimulator({ timeScale: 100 });

const SEEDS = chaosSeeds('FLORA_CHAOS_GENERATION_SEEDS', '71,83,97');
const ITEMS = 60;

const logged = captureLogs();

type Variant = { mode: 'poll' | 'webhook'; download: boolean };
const VARIANTS: Variant[] = (['poll', 'webhook'] as const).flatMap((mode) =>
	[false, true].map((download) => ({ mode, download })),
);
const nameOf = ({ mode, download }: Variant) => `${mode}${download ? '+download' : ''}`;

/** Each item's prompt is its own; some fail, durations drawn from the seed. */
const promptsFor = (seed: number, variant: string) =>
	seededPrompts(seed, `gen seed ${seed} ${variant}`, ITEMS, { minSeconds: 3, spread: 10 });

async function runExecution(seed: number, variant: Variant) {
	const prompts = promptsFor(seed, nameOf(variant));
	const workflow = runTechniqueWorkflow(
		generate({
			model: modelLocator('t2i-aurora-2-fast'),
			waitMode: variant.mode,
			options: {
				concurrency: 10,
				outputLayout: 'perRun',
				pollInterval: 0.5,
				timeout: 300,
				...(variant.download ? { download: true } : {}),
			},
		}),
		{ continueOnFail: true, typeVersion: 2 },
	);
	const outcome = await runChaosExecution(workflow, prompts, {
		credentials: webhookCredentials(flora.sim),
		webhook: variant.mode === 'webhook',
	});
	return { prompts, ...outcome };
}

describe('generations under random faults on every route, 60 items at concurrency 10', () => {
	test.each(SEEDS)(
		'seed %i, polling and webhook wait, with and without Download Outputs: every generation on its own item, no orphan, no double start, the key never leaks, one resume',
		async (seed) => {
			logged.length = 0;
			flora.sim.setChaos({ seed, ...CHAOS_FAULTS });
			const outcomes = await Promise.all(VARIANTS.map((variant) => runExecution(seed, variant)));
			flora.sim.setChaos(null);

			const found: Record<string, string[]> = {};
			VARIANTS.forEach((variant, index) => {
				const { outcome, problems } = chaosProblems(flora.sim, outcomes[index], {
					prefix: `gen seed ${seed} ${nameOf(variant)} item `,
					logLines: logged.map((entry) => `${entry.level} ${entry.line}`),
					minStarted: ITEMS - 4,
					download: variant.download,
				});
				if (outcome.runs.some((run) => run.run_type !== 'generation'))
					problems.push('a run that is not a generation');
				const completed = outcome.items.filter((item) => item.json.status === 'completed');
				if (completed.length < ITEMS * 0.75) problems.push(`only ${completed.length} completed`);
				// A lost answer narrows to the runs created while its own attempts were under way.
				const candidates = outcome.items.map(
					(item) =>
						(
							(item.json.error as IDataObject | undefined)?.candidate_run_ids as
								| unknown[]
								| undefined
						)?.length ?? 0,
				);
				if (Math.max(...candidates) > ITEMS)
					problems.push(`an error names ${Math.max(...candidates)} candidate runs`);
				if (problems.length > 0) found[nameOf(variant)] = problems;
			});

			expect(found).toEqual({});
			// The faults really hit the generation routes.
			const hitRoutes = new Set(flora.sim.chaosLog.map((entry) => entry.route));
			expect([...hitRoutes]).toEqual(
				expect.arrayContaining([GENERATE_ROUTE, 'GET /models', 'GET /generations']),
			);
			expect(flora.sim.chaosLog.length).toBeGreaterThan(100);
		},
		240_000,
	);
});
