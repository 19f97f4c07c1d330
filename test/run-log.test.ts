/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/* n8n shows nothing while a node runs: the execution log names each run as soon as it started. */
import { DEFAULT_API_KEY } from '../simulator';
import { runFlora, startFlora, technique, useSimulator } from './harness/flora';
import { captureLogs } from './harness/logs';

const flora = useSimulator({ timeScale: 20 });

const logged = captureLogs();
beforeEach(() => {
	logged.length = 0;
});

test('the run id is in the execution log while the run is still going', async () => {
	flora.sim.setRunDuration('every-output-type', 3600);
	const running = startFlora(flora.sim, {
		technique: technique('every-output-type'),
		options: { pollInterval: 0.5 },
	});
	const deadline = Date.now() + 10_000;
	while (flora.sim.listRuns().length === 0 && Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, 20));
	}
	await new Promise((resolve) => setTimeout(resolve, 300));
	const [run] = flora.sim.listRuns();

	const entry = logged.find(({ line }) => line.includes(`FLORA run ${run.run_id} started`));
	running.cancel();
	await running.result;

	expect(entry?.line).toMatch(/Technique: tech_every_output, item 0/);
	expect(flora.sim.getRun(run.run_id)!.status).not.toBe('completed');
});

test('the log line carries the run, the item and the execution, and never the API key', async () => {
	await runFlora(flora.sim, { technique: technique('every-output-type') });

	const [run] = flora.sim.listRuns();
	const line = logged.find((entry) => entry.line.includes(run.run_id))?.line ?? '';
	// n8n prints only the message by default (no metadata): the text names the execution and
	// how to collect the run, for when the process running the execution stops (queue mode).
	expect(line).toMatch(
		new RegExp(
			`^FLORA run ${run.run_id} started \\(Technique: tech_every_output, item 0, execution \\d+\\)\\. If the execution stops before the run ends, collect it with Run → Wait \\(Technique: tech_every_output, Run ID: ${run.run_id}\\)\\.`,
		),
	);
	expect(line).toContain(`"runId":"${run.run_id}"`);
	expect(line).toContain('"itemIndex":0');
	expect(line).toMatch(/"executionId":"\d+"/);
	expect(logged.map((entry) => entry.line).join('\n')).not.toContain(DEFAULT_API_KEY);
});
