/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * Scenario 5: 500 items at concurrency 20, runs of 5–60 s (seeded) at time scale 10, in one
 * execution: wall time against the ideal pool of 20, API requests per run (all routes), peak
 * RSS growth of this process (n8n, the node and the simulator, which runs in it), and the most
 * TCP connections open to the simulator at once.
 */
import type { FloraSimulator } from '../../simulator';
import { startSimulator } from '../../simulator';
import { READ_RUN_ROUTE } from '../../test/harness/flora';
import { collectGarbage } from './environment';
import type { RunTiming } from './runs';
import { runTimings } from './runs';
import { listSchedulingMakespan, seededRandom } from './stats';
import { runIdsOf, runTechnique } from './workflow';

export const SCALE = {
	items: 500,
	concurrency: 20,
	seed: 7,
	minSeconds: 5,
	maxSeconds: 60,
	timeScale: 10,
	sampleEveryMs: 20,
};

export interface ScaleResult {
	wallMs: number;
	idealMs: number;
	runs: RunTiming[];
	requests: number;
	/** Reads of the run history's first page, and how many runs a page showed on average. */
	listReads: number;
	runsPerPage: number;
	/** Reads of one run by its id. */
	singleReads: number;
	baselineRss: number;
	peakRss: number;
	peakConnections: number;
	samples: number;
}

function prompts(): Array<{ prompt: string }> {
	const random = seededRandom(SCALE.seed);
	const { items, minSeconds, maxSeconds } = SCALE;
	return Array.from({ length: items }, (_, index) => {
		const seconds = Math.round((minSeconds + (maxSeconds - minSeconds) * random()) * 10) / 10;
		return { prompt: `item ${index} #duration:${seconds}` };
	});
}

function readsBy(requests: FloraSimulator['requests']) {
	const lists = requests.filter((request) => request.route === 'GET /technique-runs');
	const shown = lists.reduce((total, request) => total + (request.runsShown?.length ?? 0), 0);
	return {
		listReads: lists.length,
		runsPerPage: lists.length > 0 ? shown / lists.length : 0,
		singleReads: requests.filter((request) => request.route === READ_RUN_ROUTE).length,
	};
}

export async function measureScale(): Promise<ScaleResult> {
	const sim = await startSimulator({ timeScale: SCALE.timeScale });
	try {
		collectGarbage();
		const baselineRss = process.memoryUsage().rss;
		let peakRss = baselineRss;
		let samples = 0;
		const sampler = setInterval(() => {
			peakRss = Math.max(peakRss, process.memoryUsage().rss);
			samples++;
		}, SCALE.sampleEveryMs);
		let wallMs: number;
		let items: Awaited<ReturnType<typeof runTechnique>>['items'];
		try {
			({ wallMs, items } = await runTechnique(
				sim.baseUrl,
				{ concurrency: SCALE.concurrency, outputLayout: 'perRun' },
				prompts(),
			));
		} finally {
			clearInterval(sampler);
		}
		if (sim.contractViolations.length > 0) {
			throw new Error(`Contract violations: ${sim.contractViolations.join('; ')}`);
		}
		const runs = runTimings(sim, runIdsOf(items));
		if (runs.length !== SCALE.items)
			throw new Error(`Expected ${SCALE.items} runs, got ${runs.length}`);
		return {
			wallMs,
			idealMs: listSchedulingMakespan(
				runs.map((run) => run.runMs),
				SCALE.concurrency,
			),
			runs,
			requests: sim.requests.length,
			...readsBy(sim.requests),
			baselineRss,
			peakRss,
			peakConnections: sim.peakConnections,
			samples,
		};
	} finally {
		await sim.close();
	}
}
