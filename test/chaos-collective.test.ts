/*
 * Waiting without a Poll Interval (runs read together from the run history, at the ends FLORA's
 * progress foretells) under seeded random faults on every route: technique runs and model
 * generations, 100 and 60 items at concurrency 10, with and without Download Outputs, run at
 * once against one FLORA. The same guarantees as the other chaos suites: every run on its own
 * item, no orphan, no double start, errors name their runs, the key never leaks.
 */
import type { IDataObject } from 'n8n-workflow';

import {
	CHAOS_FAULTS,
	chaosProblems,
	chaosSeeds,
	runChaosExecution,
	seededPrompts,
} from './harness/chaos';
import {
	runTechniqueWorkflow,
	technique,
	textInput,
	useSimulator,
	webhookCredentials,
} from './harness/flora';
import { generate, modelLocator } from './harness/generation';
import { captureLogs } from './harness/logs';

const flora = useSimulator({ timeScale: 100 });

const SEEDS = chaosSeeds('FLORA_CHAOS_COLLECTIVE_SEEDS', '401,409,419');

const logged = captureLogs();

type Variant = { what: 'technique' | 'generation'; download: boolean };
const VARIANTS: Variant[] = (['technique', 'generation'] as const).flatMap((what) =>
	[false, true].map((download) => ({ what, download })),
);
const nameOf = ({ what, download }: Variant) => `${what}${download ? '+download' : ''}`;
const itemsOf = ({ what }: Variant) => (what === 'technique' ? 100 : 60);

function parameters({ what, download }: Variant): IDataObject {
	const options = {
		concurrency: 10,
		outputLayout: 'perRun',
		timeout: 300,
		...(download ? { download: true } : {}),
	};
	if (what === 'generation') {
		return generate({ model: modelLocator('t2i-aurora-2-fast'), options });
	}
	return {
		technique: technique('every-output-type'),
		inputs: textInput('={{ $json.prompt }}'),
		options,
	};
}

async function runExecution(seed: number, variant: Variant) {
	const prompts = seededPrompts(seed, `together ${seed} ${nameOf(variant)}`, itemsOf(variant), {
		minSeconds: 3,
		spread: 14,
	});
	const workflow = runTechniqueWorkflow(parameters(variant) as never, {
		continueOnFail: true,
		...(variant.what === 'generation' ? { typeVersion: 2 } : {}),
	});
	const outcome = await runChaosExecution(workflow, prompts, {
		credentials: webhookCredentials(flora.sim),
		webhook: false,
	});
	return { prompts, ...outcome };
}

describe('runs read together under random faults on every route', () => {
	test.each(SEEDS)(
		'seed %i, technique runs and generations, with and without Download Outputs: every run on its own item, no orphan, no double start, errors name their runs, the key never leaks',
		async (seed) => {
			logged.length = 0;
			flora.sim.setChaos({ seed, ...CHAOS_FAULTS });
			const outcomes = await Promise.all(VARIANTS.map((variant) => runExecution(seed, variant)));
			flora.sim.setChaos(null);

			const found: Record<string, string[]> = {};
			VARIANTS.forEach((variant, index) => {
				const items = itemsOf(variant);
				const { outcome, problems } = chaosProblems(flora.sim, outcomes[index], {
					prefix: `together ${seed} ${nameOf(variant)} item `,
					logLines: logged.map((entry) => `${entry.level} ${entry.line}`),
					minStarted: items - 5,
					download: variant.download,
				});
				const completed = outcome.items.filter((item) => item.json.status === 'completed');
				if (completed.length < items * 0.75) problems.push(`only ${completed.length} completed`);
				if (problems.length > 0) found[nameOf(variant)] = problems;
			});

			expect(found).toEqual({});
			// The runs were read together, through faults on the run lists too.
			const hitRoutes = new Set(flora.sim.chaosLog.map((entry) => entry.route));
			expect([...hitRoutes]).toEqual(
				expect.arrayContaining(['GET /technique-runs', 'GET /generations']),
			);
			expect(flora.sim.chaosLog.length).toBeGreaterThan(200);
		},
		240_000,
	);
});
