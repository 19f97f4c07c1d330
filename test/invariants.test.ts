/* Each check of the chaos suite fails on an outcome doctored to break its promise. */
import type { RunRecord } from '../simulator';
import type { ExecutionOutcome } from './harness/invariants';
import { INVARIANTS, violations } from './harness/invariants';

const SECRET = 'sk_test_secret';

const run = (runId: string, prompt: string) =>
	({ run_id: runId, inputs: [{ id: 'prompt', type: 'text', value: prompt }] }) as RunRecord;

function clean(): ExecutionOutcome {
	return {
		prompts: ['A', 'B', 'C'],
		runs: [run('run_a', 'A'), run('run_b', 'B'), run('run_c', 'C')],
		items: [
			{ json: { run_id: 'run_a', status: 'completed' }, pairedItem: { item: 0 } },
			{ json: { run_id: 'run_b', status: 'completed' }, pairedItem: { item: 1 } },
			{ json: { error: { message: 'failed', run_id: 'run_c' } }, pairedItem: { item: 2 } },
		],
		texts: ['{"run_id":"run_a"}'],
		resumesAsked: 1,
	};
}

test('the checks the chaos suite runs are exactly these, and a clean outcome passes them all', () => {
	expect(Object.keys(INVARIANTS)).toEqual([
		'noItemCarriesAnotherItemsRun',
		'noOrphanRun',
		'noRunStartedTwice',
		'everyErrorAfterAStartNamesItsRun',
		'everyItemComesOut',
		'keyNeverLeaked',
		'resumedAtMostOnce',
	]);
	expect(violations(clean(), SECRET)).toEqual([]);
});

test.each<[string, string, (outcome: ExecutionOutcome) => void]>([
	[
		'noItemCarriesAnotherItemsRun',
		'two items swap their runs',
		(o) => {
			o.items[0].json.run_id = 'run_b';
			o.items[1].json.run_id = 'run_a';
		},
	],
	[
		'noOrphanRun',
		'a charged run appears on no item',
		(o) => {
			o.items[1] = { json: { error: { message: 'lost' } }, pairedItem: { item: 1 } };
		},
	],
	[
		'noOrphanRun',
		'one run appears on two items',
		(o) => {
			o.items[1].json.run_id = 'run_a';
			o.runs = o.runs.filter((candidate) => candidate.run_id !== 'run_b');
			o.prompts[1] = 'A';
		},
	],
	['noRunStartedTwice', 'an item has two runs', (o) => o.runs.push(run('run_a2', 'A'))],
	[
		'everyErrorAfterAStartNamesItsRun',
		'an error item after a start names no run',
		(o) => {
			o.items[2] = { json: { error: { message: 'Try again later' } }, pairedItem: { item: 2 } };
		},
	],
	['everyItemComesOut', 'an item is missing from the output', (o) => o.items.splice(1, 1)],
	['keyNeverLeaked', 'the API key is in a log line', (o) => o.texts.push(`debug Bearer ${SECRET}`)],
	['resumedAtMostOnce', 'the execution was asked to resume twice', (o) => (o.resumesAsked = 2)],
])('%s fails when %s', (name, _what, doctor) => {
	const outcome = clean();
	doctor(outcome);

	expect(INVARIANTS[name](outcome, SECRET)).not.toEqual([]);
	expect(violations(outcome, SECRET).some((line) => line.startsWith(`${name}: `))).toBe(true);
});

test('runs the node could not tell apart pass as candidates named in the errors, on no item as a result', () => {
	const outcome = clean();
	outcome.items[0] = {
		json: { error: { message: 'cannot tell', candidate_run_ids: ['run_a', 'run_b'] } },
		pairedItem: { item: 0 },
	};
	outcome.items[1] = {
		json: { error: { message: 'cannot tell', candidate_run_ids: ['run_a', 'run_b'] } },
		pairedItem: { item: 1 },
	};

	expect(violations(outcome, SECRET)).toEqual([]);
});
