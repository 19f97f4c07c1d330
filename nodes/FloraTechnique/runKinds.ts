import type { RunKind } from '../shared/runs/kind';

/** A run of a technique, for the run lifecycle: read under its technique, listed in /technique-runs. */
export function techniqueRunKind(techniqueId: string): RunKind {
	return {
		fields: { technique_id: techniqueId },
		readPath: `/techniques/${encodeURIComponent(techniqueId)}/runs/{runId}`,
		history: {
			path: '/technique-runs',
			itemsKey: 'technique_runs',
			qs: { technique_id: techniqueId },
		},
		label: `Technique: ${techniqueId}`,
	};
}
