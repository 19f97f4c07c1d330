/* Max Cost per Execution: what the runs will cost is added up before the first paid request. */
import {
	FLORA_NODE,
	RUN_ROUTE,
	prompts,
	runFlora,
	technique,
	textInput,
	useSimulator,
} from './harness/flora';

const flora = useSimulator({ timeScale: 50 });

const tenPrompts = prompts(...Array.from({ length: 10 }, (_, index) => `shot ${index}`));

test('a batch that would cost more than the cap starts nothing, and the error names the sum and the cap', async () => {
	// every-output-type costs $0.50 a run: ten runs are $5.00.
	const result = await runFlora(
		flora.sim,
		{
			technique: technique('every-output-type'),
			inputs: textInput('={{ $json.prompt }}'),
			options: { maxCost: 4 },
		},
		{ triggerItems: tenPrompts },
	);

	expect(result.status).toBe('error');
	expect(result.nodes[FLORA_NODE].error!.message).toBe(
		'These 10 runs would cost $5.00, more than the Max Cost per Execution of $4.00',
	);
	expect(result.nodes[FLORA_NODE].error!.description).toMatch(/^Nothing was started or charged/);
	expect(flora.sim.countRequests(RUN_ROUTE)).toBe(0);
});

test('a batch within the cap runs', async () => {
	const result = await runFlora(
		flora.sim,
		{
			technique: technique('every-output-type'),
			inputs: textInput('={{ $json.prompt }}'),
			options: { maxCost: 5, outputLayout: 'perRun' },
		},
		{ triggerItems: tenPrompts },
	);

	expect(result.status).toBe('success');
	expect(flora.sim.countRequests(RUN_ROUTE)).toBe(10);
});

test('a negative cap is refused, naming the option', async () => {
	const result = await runFlora(flora.sim, {
		technique: technique('every-output-type'),
		options: { maxCost: -1 },
	});

	expect(result.nodes[FLORA_NODE].error!.message).toBe(
		'Max Cost per Execution must be an amount of dollars',
	);
	expect(flora.sim.requests).toHaveLength(0);
});
