/*
 * Scenario 4: the 50 items of scenario 1 under FLORA's rate limit (the simulator's token bucket,
 * 5 requests/s, burst 10, in real time; runs at time scale 10 so that the limit, not the runs,
 * bounds the batch). The node at concurrency 10 (backing off after 429s) and, beside it, at a
 * fixed concurrency of 2 (FLORA's advice taken from the start), each against its own simulator.
 * The bound: no client can finish before its runs' ideal makespan, nor before the requests it
 * needed, less the burst, have been let through at the rate.
 */
import { startSimulator } from '../../simulator';
import { runTimings } from './runs';
import { listSchedulingMakespan } from './stats';
import { drawDurations } from './throughput';
import { runIdsOf, runTechnique } from './workflow';

export const RATE_LIMIT = { requestsPerSecond: 5, burst: 10, timeScale: 10, concurrency: 10 };

export interface RateLimitedResult {
	label: string;
	wallMs: number;
	/** Requests FLORA answered other than 429 (all routes). */
	requestsNeeded: number;
	rateLimited: number;
	/** max(ideal makespan at the concurrency, (requests needed − burst) / rate). */
	boundMs: number;
}

async function measure(label: string, concurrency: number): Promise<RateLimitedResult> {
	const { requestsPerSecond, burst, timeScale } = RATE_LIMIT;
	const sim = await startSimulator({ timeScale });
	try {
		sim.setRateLimit({ requestsPerSecond, burst });
		const prompts = drawDurations().map((seconds, index) => ({
			prompt: `item ${index} #duration:${seconds}`,
		}));
		const { items, wallMs } = await runTechnique(sim.baseUrl, { concurrency }, prompts);
		const rateLimited = sim.requests.filter((request) => request.rateLimited).length;
		const requestsNeeded = sim.requests.length - rateLimited;
		const runMs = runTimings(sim, runIdsOf(items)).map((run) => run.runMs);
		const idealMs = listSchedulingMakespan(runMs, concurrency);
		const limitMs = (Math.max(0, requestsNeeded - burst) / requestsPerSecond) * 1000;
		return { label, wallMs, requestsNeeded, rateLimited, boundMs: Math.max(idealMs, limitMs) };
	} finally {
		await sim.close();
	}
}

export async function measureRateLimited(): Promise<RateLimitedResult[]> {
	return await Promise.all([
		measure(
			`FLORA node, concurrency ${RATE_LIMIT.concurrency}, backing off`,
			RATE_LIMIT.concurrency,
		),
		measure('baseline: concurrency 2 from the start', 2),
	]);
}
