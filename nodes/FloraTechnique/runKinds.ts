import type { Technique } from '../shared/flora/types';
import type { RunKind } from '../shared/runs/kind';

/**
 * A run of a technique, for the run lifecycle: read under its technique, listed in
 * /technique-runs, its outputs named after the technique's output slots.
 */
export function techniqueRunKind(technique: Pick<Technique, 'technique_id' | 'outputs'>): RunKind {
	const { technique_id: techniqueId } = technique;
	return {
		fields: { technique_id: techniqueId },
		readPath: `/techniques/${encodeURIComponent(techniqueId)}/runs/{runId}`,
		history: {
			path: '/technique-runs',
			itemsKey: 'technique_runs',
			qs: { technique_id: techniqueId },
		},
		label: `Technique: ${techniqueId}`,
		outputs: technique.outputs.map(({ id, name, type }) => ({ id, name, type })),
	};
}
