/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** Concurrency that backs off under FLORA's rate limit: fewer runs at once after a 429, then back up to the Concurrency option, never above it; results unchanged. */
import type { RunRecord } from '../simulator';
import {
	FLORA_NODE,
	prompts,
	startFlora,
	technique,
	textInput,
	useSimulator,
} from './harness/flora';

const flora = useSimulator({ timeScale: 20 });

/** How many runs FLORA had going when `run` was created (itself included). */
const goingAt = (runs: RunRecord[], run: RunRecord) =>
	runs.filter(
		(other) => other.createdAt <= run.createdAt && (other.endedAt ?? Infinity) > run.createdAt,
	).length;

test('after a 429 the node starts fewer runs at once (half, towards 2), then raises it step by step up to the Concurrency option', async () => {
	const count = 30;
	const running = startFlora(
		flora.sim,
		{
			technique: technique('every-output-type'),
			inputs: textInput('={{ $json.prompt }}'),
			// 60 to 168 simulated seconds: 3 to 8.4 s each; read every 0.5 s so that a slot frees soon after its run ends.
			options: { outputLayout: 'perRun', concurrency: 10, pollInterval: 0.5 },
		},
		{
			triggerItems: prompts(
				...Array.from({ length: count }, (_, i) => `item ${i} #duration:${60 + (i % 10) * 12}`),
			),
		},
	);
	let settled = false;
	void running.result.finally(() => (settled = true));
	while (flora.sim.runsCreated() < 10 && !settled)
		await new Promise((resolve) => setTimeout(resolve, 20));
	flora.sim.injectFault({
		kind: 'status',
		status: 429,
		code: 'rate_limited',
		headers: { 'retry-after': '1' },
	});
	const result = await running.result;

	const items = result.items(FLORA_NODE);
	expect(items.map((item) => item.pairedItem)).toEqual(
		Array.from({ length: count }, (_, item) => ({ item })),
	);
	expect(items.every((item) => item.json.status === 'completed')).toBe(true);
	const runs = flora.sim.listRuns();
	expect(runs).toHaveLength(count);
	const limited = flora.sim.requests.find((request) => request.status === 429)!;
	expect(limited).toBeDefined();
	const after = runs.filter((run) => run.createdAt > limited.receivedAt);
	// Never above the Concurrency option.
	expect(Math.max(...runs.map((run) => goingAt(runs, run)))).toBeLessThanOrEqual(10);
	// The first run started after the 429 waited until fewer were going (at full concurrency it
	// starts as soon as one of the 10 ends, with 9 going beside it).
	expect(goingAt(runs, after[0])).toBeLessThanOrEqual(8);
	// Successful requests raise it again: later runs start with (nearly) 10 going.
	expect(Math.max(...after.map((run) => goingAt(runs, run)))).toBeGreaterThanOrEqual(9);
}, 90_000);
