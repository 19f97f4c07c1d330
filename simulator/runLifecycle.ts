/**
 * The run state machine: a run create plans the run's outcome and duration (a scripted next
 * run, the #fail:/#duration: tokens, an unreachable input URL, the technique's defaults); the
 * run is then pending for a second and running for its duration on the simulated clock, and
 * ends completed (charged, with outputs) or failed, queueing its webhook.
 */
import { DEFAULT_PROJECT_ID, DEFAULT_WORKSPACE_ID, type CatalogueTechnique } from './catalogue';
import { rid } from './encoding';
import { isHttpUrl } from './http';
import { makeOutputs } from './runOutputs';
import type { RunState, SimState } from './state';
import type { RunRecord } from './types';
import type { Webhooks } from './webhooks';

export const RUN_ERROR_CODES = [
	'provider_error',
	'model_timeout',
	'safety_blocked',
	'input_unreachable',
	'internal_error',
] as const;

const ERROR_MESSAGES: Record<string, string> = {
	provider_error: 'The model provider returned an error while running this technique.',
	model_timeout: 'The model did not finish within its time limit.',
	safety_blocked: 'The request was blocked by the content safety filter.',
	input_unreachable: 'An input URL could not be fetched.',
	internal_error: 'An internal error occurred while running the technique.',
};

const PENDING_SIM_MS = 1000;

/** A validated run create. */
export interface RunRequest {
	inputs: RunRecord['inputs'];
	mode: 'async' | 'stream';
	callbackUrl?: string;
	idempotencyKey?: string;
}

export class RunLifecycle {
	constructor(
		private readonly s: SimState,
		private readonly webhooks: Webhooks,
	) {}

	start(t: CatalogueTechnique, v: RunRequest, apiKey: string): RunState {
		const script = this.s.scripts.get(t.technique_id)?.shift();
		const texts = v.inputs.filter((i) => i.type === 'text').map((i) => i.value);
		const failToken = texts.map((s) => /#fail:([a-z_]+)/.exec(s)?.[1]).find(Boolean);
		const durToken = texts.map((s) => /#duration:(\d+(?:\.\d+)?)/.exec(s)?.[1]).find(Boolean);
		const unreachable = v.inputs.find(
			(i) =>
				(i.type === 'imageUrl' || i.type === 'videoUrl') &&
				isHttpUrl(i.value)?.hostname === 'unreachable.invalid',
		);

		let outcome: 'completed' | 'failed' = 'completed';
		let errorCode: string | undefined;
		let errorMessage: string | undefined;
		if (script) {
			outcome = script.outcome;
			if (outcome === 'failed') {
				errorCode = script.errorCode ?? 'provider_error';
				errorMessage =
					script.errorMessage ?? ERROR_MESSAGES[errorCode] ?? `The run failed (${errorCode}).`;
			}
		} else if (failToken) {
			outcome = 'failed';
			errorCode = failToken;
			errorMessage = ERROR_MESSAGES[failToken] ?? `The run failed (${failToken}).`;
		} else if (unreachable) {
			outcome = 'failed';
			errorCode = 'input_unreachable';
			errorMessage = `Input "${unreachable.id}" could not be fetched from ${unreachable.value}.`;
		}
		let duration =
			script?.durationSeconds ??
			(durToken !== undefined ? Number(durToken) : undefined) ??
			this.s.durations.get(t.technique_id) ??
			t.durationSeconds;
		if (errorCode === 'input_unreachable' && !script && durToken === undefined)
			duration = Math.min(duration, 2);

		const simNow = this.s.clock.now();
		const run: RunState = {
			run_id: rid('run_'),
			technique_id: t.technique_id,
			technique_name: t.name,
			workspace_id: DEFAULT_WORKSPACE_ID,
			project_id: DEFAULT_PROJECT_ID,
			mode: v.mode,
			inputs: v.inputs,
			callbackUrl: v.callbackUrl,
			idempotencyKey: v.idempotencyKey,
			apiKey,
			status: 'pending',
			outcome,
			errorCode,
			errorMessage,
			durationSeconds: duration,
			outputBytes: script?.outputBytes ?? this.s.outputBytes.get(t.technique_id),
			createdAt: Date.now(),
			simCreated: simNow,
			simStart: simNow + PENDING_SIM_MS,
			simEnd: simNow + PENDING_SIM_MS + duration * 1000,
			seq: ++this.s.seq,
			technique: t,
		};
		this.s.runs.set(run.run_id, run);
		this.arm(run);
		return run;
	}

	private arm(run: RunState): void {
		this.s.scheduler.cancel(run.task);
		run.task = undefined;
		if (run.status === 'pending')
			run.task = this.s.scheduler.at(run.simStart, () => this.advance(run));
		else if (run.status === 'running')
			run.task = this.s.scheduler.at(run.simEnd, () => this.advance(run));
	}

	/** Apply every transition that is due by the simulated clock. */
	advance(run: RunState): void {
		const clock = this.s.clock;
		const now = clock.now();
		let changed = false;
		// Transitions are stamped at their nominal instant (not when a timer or a read noticed them).
		const stamp = (sim: number, notBefore: number) =>
			Math.min(Date.now(), Math.max(notBefore, clock.toReal(sim)));
		if (run.status === 'pending' && now >= run.simStart) {
			run.status = 'running';
			run.startedAt = stamp(run.simStart, run.createdAt);
			changed = true;
		}
		if (run.status === 'running' && now >= run.simEnd) {
			run.endedAt = stamp(run.simEnd, run.startedAt ?? run.createdAt);
			if (run.outcome === 'completed') {
				run.status = 'completed';
				run.chargedCost = run.technique.run_cost;
				this.s.balance -= run.technique.run_cost;
				run.outputs = makeOutputs(run, this.s.mediaOrigin);
			} else {
				run.status = 'failed';
				run.chargedCost = 0;
			}
			changed = true;
			if (run.callbackUrl) this.webhooks.queue(run);
		}
		if (changed) this.arm(run);
	}

	progress(run: RunState): number {
		switch (run.status) {
			case 'pending':
				return 0;
			case 'completed':
				return 1;
			case 'running':
			case 'failed': {
				const span = run.simEnd - run.simStart;
				const at = run.status === 'failed' ? run.simEnd : this.s.clock.now();
				const f = span <= 0 ? 0.99 : (at - run.simStart) / span;
				return Math.min(0.99, Math.max(0, Math.floor(f * 100) / 100));
			}
		}
	}
}
