/**
 * What the simulator recorded about runs: how long they took, which answers showed them, how
 * late their end was seen, and the requests each one cost.
 */
import type { FloraSimulator } from '../../simulator';

export interface RunTiming {
	runId: string;
	/** Simulator run time, created → ended (pending included), real ms. */
	runMs: number;
	createdAt: number;
	endedAt: number;
	/** Answers to reads that showed the run: its own reads and pages of run lists. */
	reads: number;
	/**
	 * Detection lag, real ms: when the first answer that showed the run ended reached the node,
	 * minus the run's `endedAt`.
	 */
	lagMs: number;
	/** When the node had its end (endedAt + lag). */
	seenEndedAt: number;
	/**
	 * API requests this run cost, all routes: its create and its own reads, plus an equal share
	 * of every request that was not about one run alone (list reads, rate-limited or failed
	 * requests, catalogue reads) among the runs being waited for when it was sent.
	 */
	requests: number;
}

const ENDED = new Set(['completed', 'failed']);

/** Lists of runs: one answer shows many. */
const LIST_ROUTES = new Set(['GET /technique-runs', 'GET /generations']);

export function runTimings(sim: FloraSimulator, runIds: string[]): RunTiming[] {
	const timings = runIds.map((runId) => runTiming(sim, runId));
	shareRequests(sim, timings);
	return timings;
}

function runTiming(sim: FloraSimulator, runId: string): RunTiming {
	const run = sim.getRun(runId);
	if (!run || run.endedAt === undefined) throw new Error(`The simulator has no ended run ${runId}`);
	const showing = sim.requests.filter(
		(request) =>
			request.method === 'GET' && request.runsShown?.some((shown) => shown.runId === runId),
	);
	const sawEnd = showing
		.filter((request) =>
			request.runsShown!.some((shown) => shown.runId === runId && ENDED.has(shown.status ?? '')),
		)
		.map((request) => request.answeredAt ?? request.receivedAt);
	const seenEndedAt = Math.min(...sawEnd);
	if (!(seenEndedAt >= run.endedAt)) throw new Error(`No answer showed ${runId} ended`);
	return {
		runId,
		runMs: run.endedAt - run.createdAt,
		createdAt: run.createdAt,
		endedAt: run.endedAt,
		reads: showing.length,
		lagMs: seenEndedAt - run.endedAt,
		seenEndedAt,
		requests: 0,
	};
}

function shareRequests(sim: FloraSimulator, timings: RunTiming[]) {
	const byId = new Map(timings.map((timing) => [timing.runId, timing]));
	for (const request of sim.requests) {
		const shown = request.runsShown ?? [];
		const own =
			!LIST_ROUTES.has(request.route ?? '') && shown.length === 1
				? byId.get(shown[0].runId)
				: undefined;
		if (own) {
			own.requests += 1;
			continue;
		}
		const at = request.receivedAt;
		const waitedFor = timings.filter(
			(timing) => timing.createdAt <= at && at <= timing.seenEndedAt,
		);
		const sharers = waitedFor.length > 0 ? waitedFor : timings;
		for (const timing of sharers) timing.requests += 1 / sharers.length;
	}
}
