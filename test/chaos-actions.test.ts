/*
 * Action runs under seeded random faults on every route (429 with retry-after, 500, 503,
 * dropped connections, slow answers, cut downloads): 60 items at concurrency 10, with and
 * without Download Outputs, new seeds. The guarantees of test/chaos.test.ts: every run on its
 * own item, no orphan, no double start, errors name their runs, the key never leaks.
 */
import type { ChaosKind, ChaosSpec } from '../simulator';
import { CHAOS_KINDS } from '../simulator';
import { ACTION_ROUTE, actionRun } from './harness/actions';
import { CHAOS_FAULTS, chaosProblems, chaosSeeds, seededPrompts } from './harness/chaos';
import { runWorkflow } from './harness/engine';
import { FLORA_NODE, floraCredentials, runTechniqueWorkflow, useSimulator } from './harness/flora';
import { captureLogs } from './harness/logs';

const flora = useSimulator({ timeScale: 100 });

const SEEDS = chaosSeeds('FLORA_CHAOS_ACTION_SEEDS', '67,71,83,97');
const ITEMS = 60;
/*
 * Every kind but dropAfterHandling: FLORA lists action runs nowhere, so a create answered
 * and then cut cannot be matched to its run by anyone; that case has its own test below.
 */
const KINDS = CHAOS_KINDS.filter((kind: ChaosKind) => kind !== 'dropAfterHandling');
const CHAOS: Omit<ChaosSpec, 'seed'> = { ...CHAOS_FAULTS, kinds: KINDS };

const logged = captureLogs();

const textsFor = (seed: number, variant: string) =>
	seededPrompts(seed, `seed ${seed} ${variant}`, ITEMS, { minSeconds: 2, spread: 10 });

const parametersFor = (download: boolean) =>
	actionRun(
		flora.sim,
		'concat-text-browser',
		{ 'input:texts': '={{ $json.prompt }}' },
		{
			options: {
				concurrency: 10,
				pollInterval: 0.5,
				timeout: 300,
				...(download ? { download: true } : {}),
			},
		},
	);

async function runExecution(
	seed: number,
	download: boolean,
	parameters: Awaited<ReturnType<typeof parametersFor>>,
) {
	const variant = download ? 'download' : 'urls';
	const texts = textsFor(seed, variant);
	const workflow = runTechniqueWorkflow(parameters, { continueOnFail: true, typeVersion: 2 });
	const result = await runWorkflow(workflow, {
		credentials: floraCredentials(flora.sim),
		triggerItems: texts.map((prompt) => ({ prompt })),
	});
	const items = result.nodes[FLORA_NODE]?.outputs.flat() ?? [];
	return { variant, texts, items, dump: [JSON.stringify(items), JSON.stringify(result.run.data)] };
}

describe('action runs under random faults on every route, 60 items at concurrency 10', () => {
	test.each(SEEDS)(
		'seed %i, with and without Download Outputs: every run on its own item, no orphan, no double start, errors name their runs, the key never leaks',
		async (seed) => {
			logged.length = 0;
			// The fields' schema is read before chaos starts; the executions run at once, told apart by text.
			const parameters = await parametersFor(false);
			const withDownload = await parametersFor(true);
			flora.sim.setChaos({ seed, ...CHAOS });
			const outcomes = await Promise.all([
				runExecution(seed, false, parameters),
				runExecution(seed, true, withDownload),
			]);
			flora.sim.setChaos(null);

			const found: Record<string, string[]> = {};
			for (const { variant, texts, items, dump } of outcomes) {
				const { problems } = chaosProblems(
					flora.sim,
					{ prompts: texts, items, texts: dump },
					{
						prefix: `seed ${seed} ${variant} item `,
						logLines: logged.map((entry) => `${entry.level} ${entry.line}`),
						minStarted: ITEMS - 5,
						download: false,
					},
				);
				const completed = items.filter((item) => item.json.status === 'completed');
				if (completed.length < ITEMS * 0.8)
					problems.push(`only ${completed.length} runs completed`);
				for (const item of completed) {
					const own = texts[(item.pairedItem as { item: number }).item].replace(/\s*#\S+/g, '');
					if (item.json.text !== own)
						problems.push(`an item's text is "${String(item.json.text)}"`);
				}
				if (problems.length > 0) found[variant] = problems;
			}

			expect(found).toEqual({});
			expect(
				flora.sim.chaosLog.filter((entry) => entry.route === ACTION_ROUTE).length,
			).toBeGreaterThan(5);
			expect(flora.sim.chaosLog.length).toBeGreaterThan(50);
		},
		240_000,
	);
});

describe('an action run whose create answer is lost after FLORA started it', () => {
	test('is started once; the error says it started and that FLORA cannot say which run it is, never that running again is safe', async () => {
		const parameters = await actionRun(flora.sim, 'concat-text-browser', {
			'input:texts': 'lost answer',
		});
		flora.sim.injectFault({ route: ACTION_ROUTE, kind: 'dropAfterHandling' });
		const result = await runWorkflow(runTechniqueWorkflow(parameters, { typeVersion: 2 }), {
			credentials: floraCredentials(flora.sim),
		});

		expect(flora.sim.listRuns()).toHaveLength(1);
		const error = result.nodes[FLORA_NODE].error!;
		expect(error.message).toMatch(/started this item's run/);
		expect(`${error.message} ${error.description}`).not.toMatch(/safe|run history/i);
		expect(error.description).toMatch(/lists action runs nowhere/);
		expect(error.description).toMatch(/Idempotency key/i);
	});

	test('when every attempt is lost, the error says the run may have started, never that running again is safe', async () => {
		const parameters = await actionRun(flora.sim, 'concat-text-browser', {
			'input:texts': 'lost again',
		});
		flora.sim.injectFault({ route: ACTION_ROUTE, kind: 'drop', times: 10 });
		const result = await runWorkflow(runTechniqueWorkflow(parameters, { typeVersion: 2 }), {
			credentials: floraCredentials(flora.sim),
		});

		expect(flora.sim.listRuns()).toHaveLength(0);
		const error = result.nodes[FLORA_NODE].error!;
		expect(error.description).not.toMatch(/running again is safe/);
		expect(error.description).toMatch(/may have started/);
		expect(error.description).not.toMatch(/Run → Get Many/);
	});
});
