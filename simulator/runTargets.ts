/**
 * What the control surface's per-target settings (setRunDuration, scriptNextRun,
 * setOutputBytes) name: a technique (id or slug), a model (model_id) or an action (action_id).
 * Answers the key runs are looked up by.
 */
import { findAction } from './actions';
import { findTechnique } from './catalogue';
import { findModel } from './models';

export function runTargetKey(name: string): string {
	const key =
		findTechnique(name)?.technique_id ?? findModel(name)?.model_id ?? findAction(name)?.action_id;
	if (key === undefined) throw new Error(`unknown technique, model or action "${name}"`);
	return key;
}
