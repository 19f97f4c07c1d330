/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Generation routes: POST /generate (a model run: validation of the body and of the params
 * against the model's schema, the workspace and project, idempotency, credits) and
 * GET /generations (the generation history, newest first, paged by cursor). A generation run
 * is read with GET /runs/{runId}, like every run.
 *
 * Where the sources differ (FLORA's OpenAPI 1.6.0, @flora-ai/flora 0.11), what is simulated:
 * - callback_url: in the SDK's GenerationCreateParams, not in the spec's body (whose
 *   additionalProperties is false). Accepted, with the technique runs' rules (https, public
 *   host); the webhook says run_type "generation".
 * - workspace_id / project_id: the spec gives no pattern, the SDK says they start with ws_ /
 *   prj_: a malformed id answers 400 naming it; an unknown workspace, or a project not in that
 *   workspace, 404 not_found.
 * - model: optional in both; without it the first model of the type is used (GET /models
 *   lists them in that order). An unknown model, or one of another type, answers 400 naming
 *   `model` (it is a body field). The answer's model is always the one used.
 * - params: "additionalProperties: true" in the spec, a free map in the SDK; the simulator
 *   checks them against the model's params (unknown, wrong type, out of range, not an option,
 *   required and missing: 400 naming params.<name>), as the live API's model schemas imply.
 * - charged_cost: required in the create answer by both ("Cost charged in USD") although the
 *   run has not run yet. The simulator answers what the run costs (per image for image
 *   models, per second for video), and debits the balance when the run completes, like a
 *   technique run; a failed run reads charged_cost 0. estimated_seconds is the planned
 *   duration in whole simulated seconds (the model's estimate unless #duration: says other).
 * - GET /generations is in the SDK (GenerationListResponse), not in the spec 1.6.0: entries
 *   are the run read plus generation_id (= run_id), workspace_id, project_id and model.
 *   Action runs are not generations and are not listed.
 * - The magic tokens (#fail:<code>, #duration:<seconds>) are read from the prompt; an image
 *   URL param on host unreachable.invalid fails the run with input_unreachable.
 */
import type * as http from 'node:http';

import { b64url, unb64url } from '../encoding';
import { firstHeader, json, validationError, type FieldError, type Reply } from '../http';
import { checkParams } from '../modelParams';
import { defaultModel, findModel, type CatalogueModel, type ModelType } from '../models';
import type { ParsedBody } from '../requestBody';
import type { RunLifecycle } from '../runLifecycle';
import { stripTokens } from '../runOutputs';
import type { OutputSlot, RunState, SimState } from '../state';
import type { RunRecord } from '../types';
import { callbackUrlProblem, idField, jsonObject, rejectUnknown } from './bodyChecks';
import { paidRunCreate, runStartedJson } from './paidRuns';
import { parseLimit } from './paging';
import { projectIn } from './projects';
import type { RunRoutes } from './runs';
import { checkWorkspace } from './workspaces';

const TYPES: ModelType[] = ['image', 'video', 'audio', 'text'];
const KEYS = ['type', 'prompt', 'model', 'workspace_id', 'project_id', 'params', 'callback_url'];
const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

/** The outputs and price of a generation with these (checked) params. */
function plan(m: CatalogueModel, prompt: string, params: Record<string, unknown>) {
	if (m.type === 'image') {
		const n = typeof params.num_images === 'number' ? params.num_images : 1;
		const ratio = typeof params.aspect_ratio === 'string' ? params.aspect_ratio : undefined;
		const outputs: OutputSlot[] = Array.from({ length: n }, (_, i) => ({
			id: 'image',
			name: n === 1 ? 'Image' : `Image ${i + 1}`,
			type: 'imageUrl',
			...(ratio && ratio !== 'match_input' ? { specified_aspect_ratio: ratio } : {}),
		}));
		return { outputs, cost: round(m.cost * n) };
	}
	if (m.type === 'video') {
		const seconds = typeof params.duration === 'number' ? params.duration : 5;
		const outputs: OutputSlot[] = [
			{ id: 'video', name: 'Video', type: 'videoUrl', specified_duration: seconds },
		];
		return { outputs, cost: round(m.cost * seconds) };
	}
	if (m.type === 'audio')
		return {
			outputs: [{ id: 'audio', name: 'Audio', type: 'audioUrl' }] as OutputSlot[],
			cost: m.cost,
		};
	const text = `${m.name}: ${stripTokens(prompt) || 'done'}`;
	return {
		outputs: [{ id: 'text', name: 'Text', type: 'text', text }] as OutputSlot[],
		cost: m.cost,
	};
}

/** The run's inputs: the prompt, then each media URL the params name (so that unreachable ones fail the run). */
function runInputs(m: CatalogueModel, prompt: string, params: Record<string, unknown>) {
	const inputs: RunRecord['inputs'] = [{ id: 'prompt', type: 'text', value: prompt }];
	for (const p of m.params) {
		const v = params[p.name];
		if (!p.url || v === undefined) continue;
		const values = Array.isArray(v) ? (v as string[]) : [v as string];
		values.forEach((value, i) =>
			inputs.push({ id: Array.isArray(v) ? `${p.name}[${i}]` : p.name, type: p.url!, value }),
		);
	}
	return inputs;
}

export class GenerationRoutes {
	constructor(
		private readonly s: SimState,
		private readonly lifecycle: RunLifecycle,
		private readonly runs: RunRoutes,
	) {}

	create(req: http.IncomingMessage, body: ParsedBody, apiKey: string): Reply {
		const b = jsonObject(body);
		const fields: FieldError[] = [];
		rejectUnknown(b, KEYS, fields);
		if (b.type === undefined) fields.push({ field: 'type', message: 'is required' });
		else if (!TYPES.includes(b.type as ModelType))
			fields.push({ field: 'type', message: `must be one of ${TYPES.join(', ')}` });
		if (b.prompt === undefined) fields.push({ field: 'prompt', message: 'is required' });
		else if (typeof b.prompt !== 'string')
			fields.push({ field: 'prompt', message: 'must be a string' });
		else if (b.prompt.trim() === '') fields.push({ field: 'prompt', message: 'must not be empty' });
		const type = TYPES.includes(b.type as ModelType) ? (b.type as ModelType) : undefined;
		let model: CatalogueModel | undefined;
		if (b.model !== undefined) {
			model = typeof b.model === 'string' ? findModel(b.model) : undefined;
			if (!model)
				fields.push({
					field: 'model',
					message: `unknown model ${JSON.stringify(b.model)}; GET /models lists them`,
				});
			else if (type && model.type !== type) {
				fields.push({ field: 'model', message: `is a ${model.type} model, not ${type}` });
				model = undefined;
			}
		} else if (type) model = defaultModel(type);
		const ws = idField(b, 'workspace_id', 'ws_', 'workspace', fields);
		const prj = idField(b, 'project_id', 'prj_', 'project', fields);
		const params = model ? checkParams(model, b.params, fields) : {};
		if (b.callback_url !== undefined) {
			const problem = callbackUrlProblem(b.callback_url);
			if (problem) fields.push({ field: 'callback_url', message: problem });
		}
		if (fields.length) throw validationError(fields);
		const m = model!;
		const prompt = b.prompt as string;
		const { outputs, cost } = plan(m, prompt, params);
		const run = paidRunCreate(this.s, {
			scope: `generate:${apiKey}`,
			key: firstHeader(req.headers['idempotency-key']),
			body: b,
			cost,
			project: projectIn(this.s, ws!, prj!),
			start: () =>
				this.lifecycle.start(
					{
						run_type: 'generation',
						key: m.model_id,
						title: m.name,
						cost,
						defaultDurationSeconds: m.estimated_seconds,
						outputSlots: outputs,
						workspace_id: ws!,
						project_id: prj!,
						model_id: m.model_id,
						params,
						inputs: runInputs(m, prompt, params),
						mode: 'async',
						callbackUrl: b.callback_url as string | undefined,
						idempotencyKey: firstHeader(req.headers['idempotency-key']),
					},
					apiKey,
				),
		});
		return json(201, runStartedJson(this.s, run, { model: { model_id: m.model_id } }));
	}

	/** GET /generations: generation runs, newest first. */
	list(query: Record<string, string>) {
		const limit = parseLimit(query);
		checkWorkspace(query.workspace_id);
		if (query.project_id !== undefined && !/^prj_\S+$/.test(query.project_id))
			throw validationError([{ field: 'project_id', message: 'must be a project id (prj_…)' }]);
		if (
			query.status !== undefined &&
			!['pending', 'running', 'completed', 'failed'].includes(query.status)
		)
			throw validationError([
				{ field: 'status', message: 'must be one of pending, running, completed, failed' },
			]);
		let before = Infinity;
		if (query.cursor !== undefined) {
			const c = unb64url(query.cursor) as { k?: string; s?: number } | null;
			if (!c || c.k !== 'g' || typeof c.s !== 'number')
				throw validationError([{ field: 'cursor', message: 'is not a valid cursor' }]);
			before = c.s;
		}
		const all = [...this.s.runs.values()]
			.filter((r) => r.run_type === 'generation')
			.map((r) => {
				this.lifecycle.advance(r);
				return r;
			})
			.filter(
				(r) =>
					(query.workspace_id === undefined || r.workspace_id === query.workspace_id) &&
					(query.project_id === undefined || r.project_id === query.project_id) &&
					(query.status === undefined || r.status === query.status),
			)
			.sort((a, b) => b.seq - a.seq);
		const remaining = all.filter((r) => r.seq < before);
		const page = remaining.slice(0, limit);
		const next =
			remaining.length > limit
				? b64url(JSON.stringify({ k: 'g', s: page[page.length - 1].seq }))
				: null;
		return {
			generations: page.map((r) => this.generationJson(r)),
			meta: { next_cursor: next, total_estimate: all.length },
		};
	}

	private generationJson(run: RunState): Record<string, unknown> {
		return {
			...this.runs.runJson(run),
			generation_id: run.run_id,
			workspace_id: run.workspace_id,
			project_id: run.project_id,
			model: { model_id: run.model_id ?? null },
		};
	}
}
