/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Action routes: GET /actions (the released prebuilt actions), GET /actions/{actionId} and
 * POST /runs/action (a headless run of one action on URLs and texts). An action run is read
 * with GET /runs/{runId}, like every run.
 *
 * Where the sources differ (FLORA's OpenAPI 1.6.0, @flora-ai/flora 0.11), what is simulated:
 * - Action ids: the spec's enum spells the browser actions without a suffix (concat-text,
 *   rotate-image) and lacks some (resize-image, crop-image); the SDK's enum, the newer one,
 *   has them all as "-browser" ids (concat-text-browser, resize-image-browser). Both say "raw
 *   slugs such as rotate-image" in prose. The contract and the simulator use the SDK's enum:
 *   an id outside it answers 400 naming actionId / action_id (and says which -browser id is
 *   meant when there is one); an id in the enum that the simulator's catalogue lacks answers
 *   404 not_found (the catalogue holds eight of the forty).
 * - Slots: the spec has {name, type, dynamic}; the SDK adds multiple (true or {min, max}) and
 *   optional, and calls dynamic a deprecated alias of multiple: true. The catalogue answers
 *   dynamic and multiple together for multi-value slots.
 * - A run's inputs are [{type, url | text, name?}] (both): an input names its slot, or fills
 *   the first slot of its type with room left; media inputs need an http(s) url and no text,
 *   text inputs a text and no url; a slot takes one value unless it is multiple; required
 *   slots must be filled (400 naming inputs[i].<key> or inputs).
 * - params: "additionalProperties: true" in the spec, one closed interface per action in the
 *   SDK; the simulator checks them against the action's params (unknown key, not an
 *   available value, out of range, wrong type: 400 naming params.<key>).
 * - callback_url: neither the spec's body (additionalProperties: false) nor the SDK's
 *   ActionRunParams has one, and the SDK's webhook run_type is only generation | technique;
 *   so a callback_url is refused here ("is not allowed") and action runs send no webhook.
 *   Poll GET /runs/{runId} instead.
 * - charged_cost: the action's per-execution cost (the catalogue field of the same name) is
 *   what the create answers; the balance is debited when the run completes, and a failed run
 *   reads charged_cost 0, as for generations. estimated_seconds: the planned duration.
 * - The magic tokens (#fail:<code>, #duration:<seconds>) are read from text inputs; a URL on
 *   host unreachable.invalid fails the run with input_unreachable.
 */
import type * as http from 'node:http';

import { checkActionInputs, checkActionParams, actionOutputs } from '../actionInputs';
import { ACTIONS, ACTION_IDS, findAction, publicAction, type CatalogueAction } from '../actions';
import { ApiError, firstHeader, json, validationError, type FieldError, type Reply } from '../http';
import type { ParsedBody } from '../requestBody';
import type { RunLifecycle } from '../runLifecycle';
import type { SimState } from '../state';
import { idField, jsonObject, rejectUnknown } from './bodyChecks';
import { paidRunCreate, runStartedJson } from './paidRuns';
import { projectIn } from './projects';

const KEYS = ['action_id', 'workspace_id', 'project_id', 'inputs', 'params'];

/** What is wrong with an action id, or null when the SDK's enum has it. */
function actionIdProblem(id: unknown): string | null {
	if (typeof id === 'string' && (ACTION_IDS as readonly string[]).includes(id)) return null;
	const browser = `${String(id)}-browser`;
	return (ACTION_IDS as readonly string[]).includes(browser)
		? `unknown action id ${JSON.stringify(id)}; the browser actions end in -browser: "${browser}"`
		: `unknown action id ${JSON.stringify(id)}; GET /actions lists the actions`;
}

function actionOr404(id: string): CatalogueAction {
	const a = findAction(id);
	if (!a) throw new ApiError(404, 'not_found', `Action "${id}" is not available.`);
	return a;
}

export function listActions() {
	return { actions: ACTIONS.map(publicAction) };
}

/** GET /actions/{actionId}. */
export function getAction(actionId: string) {
	const problem = actionIdProblem(actionId);
	if (problem) throw validationError([{ field: 'actionId', message: problem }]);
	return publicAction(actionOr404(actionId));
}

export class ActionRoutes {
	constructor(
		private readonly s: SimState,
		private readonly lifecycle: RunLifecycle,
	) {}

	/** POST /runs/action. */
	run(req: http.IncomingMessage, body: ParsedBody, apiKey: string): Reply {
		const b = jsonObject(body);
		const fields: FieldError[] = [];
		rejectUnknown(b, KEYS, fields);
		let action: CatalogueAction | undefined;
		let unavailable = false;
		if (b.action_id === undefined) fields.push({ field: 'action_id', message: 'is required' });
		else {
			const problem = actionIdProblem(b.action_id);
			if (problem) fields.push({ field: 'action_id', message: problem });
			else {
				action = findAction(b.action_id as string);
				unavailable = !action;
			}
		}
		const ws = idField(b, 'workspace_id', 'ws_', 'workspace', fields);
		const prj = idField(b, 'project_id', 'prj_', 'project', fields);
		const inputs = action ? checkActionInputs(action, b.inputs, fields) : [];
		const params = action ? checkActionParams(action, b.params, fields) : {};
		if (!action && !Array.isArray(b.inputs))
			fields.push({
				field: 'inputs',
				message: b.inputs === undefined ? 'is required' : 'must be an array',
			});
		if (fields.length) throw validationError(fields);
		if (unavailable) actionOr404(b.action_id as string);
		const a = action!;
		const key = firstHeader(req.headers['idempotency-key']);
		const run = paidRunCreate(this.s, {
			scope: `action:${apiKey}`,
			key,
			body: b,
			cost: a.charged_cost,
			project: projectIn(this.s, ws!, prj!),
			start: () =>
				this.lifecycle.start(
					{
						run_type: 'action',
						key: a.action_id,
						title: a.name,
						cost: a.charged_cost,
						defaultDurationSeconds: a.durationSeconds,
						outputSlots: actionOutputs(a, inputs, params),
						workspace_id: ws!,
						project_id: prj!,
						action_id: a.action_id,
						params,
						inputs,
						mode: 'async',
						idempotencyKey: key,
					},
					apiKey,
				),
		});
		return json(201, runStartedJson(this.s, run, { action: { action_id: a.action_id } }));
	}
}
