import type { Action, Model, Technique } from '../../shared/flora/types';

const KINDS: Record<string, string> = {
	text: 'text',
	imageUrl: 'image',
	videoUrl: 'video',
	audioUrl: 'audio',
	documentUrl: 'document',
};

/** What the kinds of a technique's slots are, each once: "image + text". */
export function kindsOf(slots: Technique['inputs']): string {
	return [...new Set(slots.map((slot) => KINDS[slot.type] ?? slot.type))].join(' + ') || 'nothing';
}

/**
 * n8n 2.x lists only the names of list results (not their descriptions), so the cost that
 * decides a choice, and what a run gives, go into the name too: "Product Shot ($0.12) →
 * image". The tool's automatic description reads the same name (see toolInputs.ts).
 */
const withCostAndOutputs = (name: string, cost: number, gives: string) =>
	`${name} ($${cost.toFixed(2)}) → ${gives}`;

export function techniqueName(technique: Technique): string {
	return withCostAndOutputs(technique.name, technique.run_cost, kindsOf(technique.outputs));
}

export function actionName(action: Action): string {
	return withCostAndOutputs(
		action.name,
		action.charged_cost,
		[...new Set(action.outputs.map((port) => port.type))].join(' + ') || 'nothing',
	);
}

export function modelName(model: Model): string {
	return `${model.name} (${model.beta ? 'beta, ' : ''}${model.estimated_credits} credits)`;
}
