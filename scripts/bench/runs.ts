/** What the simulator recorded about runs: how long they took, how often they were read, how late the end was seen. */
import type { FloraSimulator } from '../../simulator';
import { READ_RUN_ROUTE } from '../../test/harness/flora';

export interface RunTiming {
	runId: string;
	/** Simulator run time, created → ended (pending included), real ms. */
	runMs: number;
	/** GET /techniques/{techniqueId}/runs/{runId} requests for this run. */
	reads: number;
	/**
	 * Detection lag, real ms: when the node got the answer of its last read of the run (the read
	 * that saw it completed; the node reads no more after that) minus the run's `endedAt`.
	 */
	lagMs: number;
}

export function runTimings(sim: FloraSimulator, runIds: string[]): RunTiming[] {
	return runIds.map((runId) => runTiming(sim, runId));
}

function runTiming(sim: FloraSimulator, runId: string): RunTiming {
	const run = sim.getRun(runId);
	if (!run || run.endedAt === undefined) throw new Error(`The simulator has no ended run ${runId}`);
	const reads = readsOf(sim, runId);
	const lastRead = reads[reads.length - 1];
	const sawEndAt = lastRead ? (lastRead.answeredAt ?? lastRead.receivedAt) : Number.NaN;
	if (!(sawEndAt >= run.endedAt)) {
		throw new Error(`No read of ${runId} was answered after it ended`);
	}
	return {
		runId,
		runMs: run.endedAt - run.createdAt,
		reads: reads.length,
		lagMs: sawEndAt - run.endedAt,
	};
}

function readsOf(sim: FloraSimulator, runId: string) {
	return sim.requests
		.filter(
			(request) => request.route === READ_RUN_ROUTE && request.path.endsWith(`/runs/${runId}`),
		)
		.sort((a, b) => a.receivedAt - b.receivedAt);
}
