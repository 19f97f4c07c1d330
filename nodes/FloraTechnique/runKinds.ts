import type { Action, GenerationType, Model, Technique } from '../shared/flora/types';
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

/** Output slots of a kind of media: one output named after what it is. */
const MEDIA_OUTPUT: Record<string, { type: string; name: string }> = {
	image: { type: 'imageUrl', name: 'Image' },
	video: { type: 'videoUrl', name: 'Video' },
	audio: { type: 'audioUrl', name: 'Audio' },
	text: { type: 'text', name: 'Text' },
};

/**
 * A model generation: read by its id (GET /runs/{runId}), listed in /generations of its
 * workspace and project.
 */
export function generationRunKind(
	model: Pick<Model, 'model_id' | 'type'> | { model_id?: undefined; type: GenerationType },
	workspaceId: string,
	projectId: string,
): RunKind {
	const output = MEDIA_OUTPUT[model.type];
	return {
		fields: {
			generation_type: model.type,
			...(model.model_id ? { model_id: model.model_id } : {}),
		},
		readPath: '/runs/{runId}',
		history: {
			path: '/generations',
			itemsKey: 'generations',
			qs: { workspace_id: workspaceId, project_id: projectId },
		},
		label: model.model_id ? `Model: ${model.model_id}` : `Generation: ${model.type}`,
		collect: { one: 'Generation → Get', many: 'Generation → Get Many' },
		...(output ? { outputs: [{ id: model.type, ...output }] } : {}),
	};
}

/** An action run: read by its id; FLORA lists action runs nowhere. */
export function actionRunKind(action: Pick<Action, 'action_id' | 'outputs'>): RunKind {
	return {
		fields: { action_id: action.action_id },
		readPath: '/runs/{runId}',
		label: `Action: ${action.action_id}`,
		// Generation → Get reads any run by its ID; there is no list of action runs to offer.
		collect: { one: 'Generation → Get' },
		outputs: action.outputs.map((port) => ({
			id: port.name,
			name: port.name,
			type: MEDIA_OUTPUT[port.type]?.type ?? port.type,
		})),
	};
}
