/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Run routes: POST /techniques/{techniqueId}/runs (validation, idempotency, credits; an async
 * answer or an event stream), GET /techniques/{techniqueId}/runs/{runId}, GET /runs/{runId}
 * and GET /technique-runs (the run history, newest first, paged by cursor).
 */
import type * as http from 'node:http';

import { DEFAULT_PROJECT_ID, DEFAULT_WORKSPACE_ID, findTechnique } from '../catalogue';
import { b64url, unb64url } from '../encoding';
import { ApiError, firstHeader, json, validationError, type Reply } from '../http';
import type { ParsedBody } from '../requestBody';
import type { RunLifecycle } from '../runLifecycle';
import type { RunState, SimState } from '../state';
import { parseLimit } from './paging';
import { validateRunBody } from './runBody';
import { streamRun } from './stream';
import { techniqueOr404 } from './techniques';
import { checkWorkspace } from './workspaces';

export class RunRoutes {
	constructor(
		private readonly s: SimState,
		private readonly lifecycle: RunLifecycle,
	) {}

	create(techIdOrSlug: string, req: http.IncomingMessage, body: ParsedBody, apiKey: string): Reply {
		if (body.kind !== 'json') {
			throw new ApiError(
				400,
				'invalid_json',
				body.tooLarge ? 'The request body is too large.' : 'The request body is not valid JSON.',
			);
		}
		const t = techniqueOr404(techIdOrSlug);
		if (t.archived)
			throw new ApiError(
				403,
				'forbidden',
				`Technique "${t.technique_id}" is archived and can no longer be run.`,
			);
		const headerKey = firstHeader(req.headers['idempotency-key']);
		const v = validateRunBody(t, body, headerKey);
		const b = { ...(body.value as Record<string, unknown>) };
		delete b.idempotency_key;
		const remember = this.s.idempotency.check(`run:${apiKey}`, v.idempotencyKey, {
			technique: t.technique_id,
			body: b,
		});
		// A slot with allow_multiple runs the technique once per value (see runBody.ts).
		const times = Math.max(
			1,
			...t.inputs
				.filter((slot) => slot.allow_multiple)
				.map((slot) => v.inputs.filter((i) => i.id === slot.id).length),
		);
		const cost = Math.round(t.run_cost * times * 1e6) / 1e6;
		if (this.s.balance < cost) {
			throw new ApiError(
				402,
				'insufficient_credits',
				`This run costs $${cost.toFixed(2)} but the workspace balance is $${Math.max(0, this.s.balance).toFixed(2)}.`,
			);
		}
		remember?.();
		const run = this.lifecycle.start(
			{
				...v,
				run_type: 'technique',
				key: t.technique_id,
				title: t.name,
				cost,
				defaultDurationSeconds: t.durationSeconds,
				outputSlots: Array.from({ length: times }, (_, k) =>
					t.outputs.map((slot) => ({
						...slot,
						...(times > 1 ? { name: `${slot.name} ${k + 1}` } : {}),
					})),
				).flat(),
				workspace_id: DEFAULT_WORKSPACE_ID,
				project_id: DEFAULT_PROJECT_ID,
				technique_id: t.technique_id,
				technique_name: t.name,
			},
			apiKey,
		);
		if (v.mode === 'stream' && this.s.streamFormat === 'event-stream') {
			return {
				kind: 'stream',
				runId: run.run_id,
				start: (res, cut) => streamRun(run, () => this.read(run), this.s.streams, res, cut),
			};
		}
		return json(201, this.runJson(run));
	}

	underTechnique(techIdOrSlug: string, runId: string): RunState {
		const t = techniqueOr404(techIdOrSlug);
		const r = this.s.runs.get(runId);
		if (!r || r.technique_id !== t.technique_id)
			throw new ApiError(404, 'not_found', `Run "${runId}" was not found.`);
		this.lifecycle.advance(r);
		return r;
	}

	/** GET /runs/{runId}: any run, by id alone. */
	byId(runId: string): RunState {
		if (!/^run_\S+$/.test(runId))
			throw validationError([{ field: 'runId', message: 'must be a run id (run_…)' }]);
		const r = this.s.runs.get(runId);
		if (!r) throw new ApiError(404, 'not_found', `Run "${runId}" was not found.`);
		this.lifecycle.advance(r);
		return r;
	}

	runJson(run: RunState): Record<string, unknown> {
		const out: Record<string, unknown> = {
			run_id: run.run_id,
			status: run.status,
			progress: this.lifecycle.progress(run),
			created_at: run.createdAt,
		};
		if (run.startedAt !== undefined) out.started_at = run.startedAt;
		if (run.endedAt !== undefined) out.completed_at = run.endedAt;
		if (run.chargedCost !== undefined) out.charged_cost = run.chargedCost;
		if (run.status === 'failed') {
			out.error_code = run.errorCode;
			out.error_message = run.errorMessage;
		}
		if (run.status === 'completed' && run.outputs) {
			out.outputs = run.outputs.map((o) => ({ output_id: o.output_id, type: o.type, url: o.url }));
		}
		// A technique run is read under its technique; the other kinds only by id.
		out.poll_url =
			run.run_type === 'technique'
				? `${this.s.baseUrl}/techniques/${run.technique_id}/runs/${run.run_id}`
				: `${this.s.baseUrl}/runs/${run.run_id}`;
		return out;
	}

	private techniqueRunJson(run: RunState): Record<string, unknown> {
		return {
			...this.runJson(run),
			technique: { technique_id: run.technique_id, name: run.technique_name },
			workspace_id: run.workspace_id,
			project_id: run.project_id,
			technique_run_id: run.run_id,
		};
	}

	history(query: Record<string, string>) {
		if (query.project_id !== undefined && !/^prj_[A-Za-z0-9_]+$/.test(query.project_id)) {
			// Documented quirk of the live API: a malformed project id is a 500, not a 400.
			throw new ApiError(500, 'unknown_error', 'An unknown error occurred.');
		}
		const limit = parseLimit(query);
		checkWorkspace(query.workspace_id);
		if (
			query.status !== undefined &&
			!['pending', 'running', 'completed', 'failed'].includes(query.status)
		) {
			throw validationError([
				{ field: 'status', message: 'must be one of pending, running, completed, failed' },
			]);
		}
		let before = Infinity;
		if (query.cursor !== undefined) {
			const c = unb64url(query.cursor) as { k?: string; s?: number } | null;
			if (!c || c.k !== 'r' || typeof c.s !== 'number')
				throw validationError([{ field: 'cursor', message: 'is not a valid cursor' }]);
			before = c.s;
		}
		const techFilter =
			query.technique_id !== undefined
				? (findTechnique(query.technique_id)?.technique_id ?? query.technique_id)
				: undefined;
		const all = [...this.s.runs.values()]
			.map((r) => {
				this.lifecycle.advance(r);
				return r;
			})
			.filter(
				(r) =>
					r.run_type === 'technique' &&
					(query.workspace_id === undefined || r.workspace_id === query.workspace_id) &&
					(query.project_id === undefined || r.project_id === query.project_id) &&
					(techFilter === undefined || r.technique_id === techFilter) &&
					(query.status === undefined || r.status === query.status),
			)
			.sort((a, b) => b.seq - a.seq);
		const remaining = all.filter((r) => r.seq < before);
		const page = remaining.slice(0, limit);
		const next =
			remaining.length > limit
				? b64url(JSON.stringify({ k: 'r', s: page[page.length - 1].seq }))
				: null;
		return {
			technique_runs: page.map((r) => this.techniqueRunJson(r)),
			meta: { next_cursor: next, total_estimate: all.length },
		};
	}

	/** The run's API body once every due transition is applied. */
	private read(run: RunState): Record<string, unknown> {
		this.lifecycle.advance(run);
		return this.runJson(run);
	}
}
