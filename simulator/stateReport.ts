/** What GET /_simulator/state and Simulator.state() answer: settings, counters and records. */
import type { SimState } from './state';
import type { FloraSimulator } from './types';

export function stateReport(sim: FloraSimulator, s: SimState): Record<string, unknown> {
	const byRoute: Record<string, number> = {};
	for (const r of sim.requests) {
		const k = r.route ?? 'unmatched';
		byRoute[k] = (byRoute[k] ?? 0) + 1;
	}
	return {
		baseUrl: sim.baseUrl,
		mediaOrigin: sim.mediaOrigin,
		timeScale: s.timeScale,
		streamFormat: s.streamFormat,
		credits: sim.credits,
		callbackHosts: Object.fromEntries([...s.callbackHosts].map(([host, to]) => [host, to.origin])),
		counters: {
			requests: sim.requests.length,
			byRoute,
			runsCreated: s.runs.size,
			webhookDeliveries: sim.webhookDeliveries.length,
			uploads: sim.uploads.length,
			mediaRequests: sim.mediaRequests.length,
			rateLimited: sim.requests.filter((r) => r.rateLimited).length,
			mediaRequestsWithAuthorization: sim.mediaRequests.filter((m) => m.hadAuthorization).length,
		},
		pendingFaults: s.faults.pending(),
		chaos: s.chaos?.spec ?? null,
		rateLimit: s.rateLimit?.spec ?? null,
		chaosLog: sim.chaosLog,
		runs: sim.listRuns(),
		webhookDeliveries: sim.webhookDeliveries,
		contractViolations: sim.contractViolations,
		uploads: sim.uploads,
	};
}
