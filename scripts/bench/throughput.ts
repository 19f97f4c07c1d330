/*
 * Scenario 1: 50 items whose runs last 2–20 s (seeded), through the node at concurrency 10,
 * against (a) the node at concurrency 1, (b) n8n's built-in async nodes' way (one item at a
 * time, a read every 10 s) and (c) the ideal pool of 10 that notices every end at once.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startSimulator } from '../../simulator';
import { LOOPBACK_CALLBACKS } from '../../test/harness/publicHost';
import type { RunTiming } from './runs';
import { runTimings } from './runs';
import { listSchedulingMakespan, mean, median, percentile, seededRandom, sum } from './stats';
import type { WaitBy } from './workflow';
import { runIdsOf, runTechnique } from './workflow';

export const THROUGHPUT = {
	items: 50,
	seed: 42,
	minSeconds: 2,
	maxSeconds: 20,
	concurrency: 10,
	/** (b) is run at this time scale with its 10 s poll scaled by the same factor (10 / 20 = 0.5 s). */
	baselineTimeScale: 20,
	baselinePollSeconds: 10,
	/** (a) runs the first items whose simulated run time adds up to at most this, then extrapolates. */
	sequentialBudgetSeconds: 90,
};

/** The simulator keeps every run pending for 1 simulated second before it runs for its duration. */
const SIMULATOR_PENDING_SECONDS = 1;

export interface StrategyResult {
	label: string;
	/** Wall time for all 50 items, in scale-1 ms (measured, scaled back, or extrapolated). */
	wallMs: number;
	/** The ideal it is held against, when not (c) (a webhook wait starts every run at once). */
	idealMs?: number;
	/** Per measured run, in scale-1 ms. */
	runs: RunTiming[];
	itemsMeasured: number;
	how: string;
}

export interface ThroughputResult {
	durations: number[];
	strategies: StrategyResult[];
	concurrent: StrategyResult;
	webhook: StrategyResult;
	sequential: StrategyResult;
	builtInStyle: StrategyResult;
	ideal: StrategyResult;
}

/** Run durations in simulated seconds, uniform in [min, max], 0.1 s resolution, from a fixed seed. */
export function drawDurations(): number[] {
	const random = seededRandom(THROUGHPUT.seed);
	const { items, minSeconds, maxSeconds } = THROUGHPUT;
	return Array.from(
		{ length: items },
		() => Math.round((minSeconds + (maxSeconds - minSeconds) * random()) * 10) / 10,
	);
}

function promptsFor(durations: number[]): IDataObject[] {
	return durations.map((seconds, index) => ({ prompt: `item ${index} #duration:${seconds}` }));
}

/** The longest prefix of the items whose simulated run times (pending included) fit the budget. */
export function prefixWithin(durations: number[], budgetSeconds: number): number {
	let total = 0;
	let count = 0;
	for (const seconds of durations) {
		total += SIMULATOR_PENDING_SECONDS + seconds;
		if (total > budgetSeconds) break;
		count++;
	}
	return Math.max(1, count);
}

/** Runs the items through the node against a fresh simulator; times are multiplied back by the time scale. */
async function measureNode(
	durations: number[],
	options: INodeParameters,
	timeScale: number,
	waitBy: WaitBy = 'poll',
) {
	const sim = await startSimulator({ timeScale, callbackHosts: LOOPBACK_CALLBACKS });
	try {
		const { items, wallMs } = await runTechnique(
			sim.baseUrl,
			options,
			promptsFor(durations),
			waitBy,
		);
		if (sim.contractViolations.length > 0) {
			throw new Error(`Contract violations: ${sim.contractViolations.join('; ')}`);
		}
		const runs = runTimings(sim, runIdsOf(items)).map((run) => ({
			...run,
			runMs: run.runMs * timeScale,
			lagMs: run.lagMs * timeScale,
			seenEndedAt: run.seenEndedAt * timeScale,
		}));
		return { wallMs: wallMs * timeScale, runs };
	} finally {
		await sim.close();
	}
}

async function measureConcurrent(durations: number[]): Promise<StrategyResult> {
	const { wallMs, runs } = await measureNode(durations, { concurrency: THROUGHPUT.concurrency }, 1);
	return {
		label: `FLORA node, concurrency ${THROUGHPUT.concurrency}, adaptive reads`,
		wallMs,
		runs,
		itemsMeasured: durations.length,
		how: 'measured, time scale 1',
	};
}

/**
 * The same items waited for by webhook: every run starts at once and the execution waits
 * without a worker until FLORA's callbacks resume it. Its ideal: the longest run, started at
 * the first instant and seen ended at once.
 */
async function measureWebhook(durations: number[]): Promise<StrategyResult> {
	const { wallMs, runs } = await measureNode(
		durations,
		{ concurrency: THROUGHPUT.concurrency },
		1,
		'webhook',
	);
	return {
		label: `FLORA node, Wait By: Webhook (concurrency ${THROUGHPUT.concurrency} for the starts)`,
		wallMs,
		idealMs: Math.max(...runs.map((run) => run.runMs)),
		runs,
		itemsMeasured: durations.length,
		how: "measured, time scale 1; its ideal is the longest run time (every run started at once, its end seen at once); lag: when an answer (a callback's list read or the collection) first showed the run ended",
	};
}

/**
 * (a): the first items at time scale 1, the rest extrapolated linearly: each further item
 * costs its nominal run time plus the mean per-item overhead (lag, requests) measured.
 */
async function measureSequential(durations: number[]): Promise<StrategyResult> {
	const measured = prefixWithin(durations, THROUGHPUT.sequentialBudgetSeconds);
	const { wallMs, runs } = await measureNode(durations.slice(0, measured), { concurrency: 1 }, 1);
	const overheadPerItemMs = (wallMs - sum(runs.map((run) => run.runMs))) / measured;
	const remainingMs = sum(
		durations
			.slice(measured)
			.map((seconds) => (SIMULATOR_PENDING_SECONDS + seconds) * 1000 + overheadPerItemMs),
	);
	return {
		label: '(a) FLORA node, concurrency 1, adaptive reads',
		wallMs: wallMs + remainingMs,
		runs,
		itemsMeasured: measured,
		how: `first ${measured} items measured at time scale 1 (${(wallMs / 1000).toFixed(1)} s); the other ${durations.length - measured} extrapolated as run time + ${(overheadPerItemMs / 1000).toFixed(2)} s mean overhead each`,
	};
}

/** (b): concurrency 1 and a fixed 10 s read interval, run with every timing scaled down by the same factor. */
async function measureBuiltInStyle(durations: number[]): Promise<StrategyResult> {
	const scale = THROUGHPUT.baselineTimeScale;
	const pollInterval = THROUGHPUT.baselinePollSeconds / scale;
	const { wallMs, runs } = await measureNode(durations, { concurrency: 1, pollInterval }, scale);
	return {
		label: `(b) n8n built-in style: 1 at a time, ${THROUGHPUT.baselinePollSeconds} s reads`,
		wallMs,
		runs,
		itemsMeasured: durations.length,
		how: `measured at time scale ${scale} with Poll Interval ${pollInterval} s (= ${THROUGHPUT.baselinePollSeconds} s / ${scale}); wall, run times and lags × ${scale}`,
	};
}

/** (c): the run times the simulator recorded for the concurrency-10 run, list-scheduled on 10 workers, no lag. */
function idealOf(concurrent: StrategyResult): StrategyResult {
	const runMs = concurrent.runs.map((run) => run.runMs);
	return {
		label: `(c) ideal: ${THROUGHPUT.concurrency} workers, zero detection lag`,
		wallMs: listSchedulingMakespan(runMs, THROUGHPUT.concurrency),
		runs: concurrent.runs.map((run) => ({
			...run,
			reads: Number.NaN,
			requests: Number.NaN,
			lagMs: 0,
		})),
		itemsMeasured: runMs.length,
		how: `computed: list-scheduling makespan of the ${runMs.length} recorded run times (endedAt − createdAt) of the concurrency-${THROUGHPUT.concurrency} run, in item order`,
	};
}

/** The concurrency-10 run, the webhook wait, (a) and (b) side by side, each against its own simulator, in this one process. */
export async function measureThroughput(): Promise<ThroughputResult> {
	const durations = drawDurations();
	const [concurrent, webhook, sequential, builtInStyle] = await Promise.all([
		measureConcurrent(durations),
		measureWebhook(durations),
		measureSequential(durations),
		measureBuiltInStyle(durations),
	]);
	const ideal = idealOf(concurrent);
	return {
		durations,
		strategies: [concurrent, webhook, sequential, builtInStyle, ideal],
		concurrent,
		webhook,
		sequential,
		builtInStyle,
		ideal,
	};
}

export function readsPerRun(strategy: StrategyResult) {
	const reads = strategy.runs.map((run) => run.reads);
	return { median: median(reads), max: Math.max(...reads) };
}

/** API requests per run, all routes (see RunTiming.requests): median, and the plain mean. */
export function requestsPerRun(strategy: StrategyResult) {
	const requests = strategy.runs.map((run) => run.requests);
	return { median: median(requests), mean: mean(requests) };
}

export function detectionLag(strategy: StrategyResult) {
	const lags = strategy.runs.map((run) => run.lagMs);
	return {
		medianMs: median(lags),
		p95Ms: percentile(lags, 95),
		/** Median over runs of lag ÷ that run's time. */
		medianShareOfRun: median(strategy.runs.map((run) => run.lagMs / run.runMs)),
	};
}

export function meanDurationSeconds(durations: number[]): number {
	return mean(durations);
}
