/** Small statistics over plain numbers: no dependency, nothing clever. */

export function median(values: number[]): number {
	return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0–100) of the values; NaN for none. */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return Number.NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function sum(values: number[]): number {
	return values.reduce((total, value) => total + value, 0);
}

export function mean(values: number[]): number {
	return values.length === 0 ? Number.NaN : sum(values) / values.length;
}

/** A deterministic pseudo-random generator in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/**
 * The makespan of jobs taken in order by `workers` workers, each job going to the worker that
 * frees up first (list scheduling) and starting the instant it does: what a pool of that size
 * achieves when every end is noticed with no lag and requests take no time.
 */
export function listSchedulingMakespan(durations: number[], workers: number): number {
	const freeAt = new Array<number>(Math.max(1, workers)).fill(0);
	for (const duration of durations) {
		const soonest = freeAt.indexOf(Math.min(...freeAt));
		freeAt[soonest] += duration;
	}
	return Math.max(...freeAt);
}
