/**
 * What the control surface's per-target settings (setRunDuration, scriptNextRun,
 * setOutputBytes) name: a technique (id or slug) or a model (its model_id). Answers the key
 * runs are looked up by.
 */
import { findTechnique } from './catalogue';
import { findModel } from './models';

export function runTargetKey(name: string): string {
	const key = findTechnique(name)?.technique_id ?? findModel(name)?.model_id;
	if (key === undefined) throw new Error(`unknown technique or model "${name}"`);
	return key;
}
