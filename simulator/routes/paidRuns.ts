/**
 * What the top-level run creates (POST /generate, POST /runs/action) share once their body is
 * checked: the Idempotency-Key (409 on an exact replay within two hours, 422 with another
 * body), the credit check (402), the project's activity, and the answer (GenerationCreateResponse,
 * ActionRunResponse: the run to poll with GET /runs/{runId}).
 */
import { ApiError } from '../http';
import type { ProjectState } from '../projects';
import type { RunState, SimState } from '../state';

export interface PaidRunCreate {
	/** Idempotency keys are per route and API key. */
	scope: string;
	key: string | undefined;
	body: unknown;
	/** USD the run costs when it completes. */
	cost: number;
	project: ProjectState;
	start: () => RunState;
}

export function paidRunCreate(s: SimState, o: PaidRunCreate): RunState {
	const remember = s.idempotency.check(o.scope, o.key, o.body);
	if (s.balance < o.cost) {
		throw new ApiError(
			402,
			'insufficient_credits',
			`This run costs $${o.cost} but the workspace balance is $${Math.max(0, Math.round(s.balance * 1e6) / 1e6)}.`,
		);
	}
	remember?.();
	const run = o.start();
	o.project.last_modified = Date.now();
	return run;
}

export function runStartedJson(
	s: SimState,
	run: RunState,
	what: { model?: { model_id: string }; action?: { action_id: string } },
): Record<string, unknown> {
	return {
		run_id: run.run_id,
		type: run.run_type,
		model: what.model ?? null,
		technique: null,
		action: what.action ?? null,
		estimated_seconds: Math.ceil(run.durationSeconds),
		charged_cost: run.cost,
		poll_url: `${s.baseUrl}/runs/${run.run_id}`,
		project_id: run.project_id,
	};
}
