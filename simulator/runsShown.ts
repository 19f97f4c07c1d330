import type { RecordedRequest } from './types';

/** The runs an answer shows: a run, or the runs of a run list page (technique runs, generations). */
export function runsShownBy(body: unknown): RecordedRequest['runsShown'] {
	const shown = (value: unknown) => {
		const run = value as { run_id?: unknown; status?: unknown } | null;
		if (typeof run?.run_id !== 'string') return [];
		return [
			{ runId: run.run_id, ...(typeof run.status === 'string' ? { status: run.status } : {}) },
		];
	};
	const page = body as { technique_runs?: unknown; generations?: unknown } | null;
	const list = page?.technique_runs ?? page?.generations;
	const runs = Array.isArray(list) ? list.flatMap(shown) : shown(body);
	return runs.length > 0 ? runs : undefined;
}
