/**
 * The run state machine, for every kind of run (technique, generation, action): a run create
 * plans the run's outcome and duration (a scripted next run, the #fail:/#duration: tokens in its
 * text inputs, an unreachable input URL, the defaults of what it runs); the run is then pending
 * for a second and running for its duration on the simulated clock, and ends completed (charged,
 * with outputs) or failed, queueing its webhook.
 */
import { rid } from './encoding';
import { isHttpUrl } from './http';
import { makeOutputs } from './runOutputs';
import type { OutputSlot, RunState, SimState } from './state';
import type { RunRecord, RunType } from './types';
import type { Webhooks } from './webhooks';

export const RUN_ERROR_CODES = [
	'provider_error',
	'model_timeout',
	'safety_blocked',
	'input_unreachable',
	'internal_error',
] as const;

/** `{run}` is the kind of run: technique, generation, action. */
const ERROR_MESSAGES: Record<string, string> = {
	provider_error: 'The model provider returned an error while running this {run}.',
	model_timeout: 'The model did not finish within its time limit.',
	safety_blocked: 'The request was blocked by the content safety filter.',
	input_unreachable: 'An input URL could not be fetched.',
	internal_error: 'An internal error occurred while running the {run}.',
};

const PENDING_SIM_MS = 1000;
const MEDIA_INPUT_TYPES = ['imageUrl', 'videoUrl', 'audioUrl'];

/** A validated technique run create. */
export interface RunRequest {
	inputs: RunRecord['inputs'];
	mode: 'async' | 'stream';
	callbackUrl?: string;
	idempotencyKey?: string;
}

/** What a run create of any kind starts. */
export interface RunStart extends RunRequest {
	run_type: RunType;
	/** Scripted runs, durations and output sizes are looked up by this: a technique, model or action id. */
	key: string;
	title: string;
	cost: number;
	/** Simulated seconds the run takes unless a script, a token or a setting says otherwise. */
	defaultDurationSeconds: number;
	outputSlots: OutputSlot[];
	workspace_id: string;
	project_id: string;
	technique_id?: string;
	technique_name?: string;
	model_id?: string;
	action_id?: string;
	params?: Record<string, unknown>;
}

function errorMessage(code: string, runType: RunType): string {
	return ERROR_MESSAGES[code]?.replace('{run}', runType) ?? `The run failed (${code}).`;
}

export class RunLifecycle {
	constructor(
		private readonly s: SimState,
		private readonly webhooks: Webhooks,
	) {}

	start(p: RunStart, apiKey: string): RunState {
		const script = this.s.scripts.get(p.key)?.shift();
		const texts = p.inputs.filter((i) => i.type === 'text').map((i) => i.value);
		const failToken = texts.map((s) => /#fail:([a-z_]+)/.exec(s)?.[1]).find(Boolean);
		const durToken = texts.map((s) => /#duration:(\d+(?:\.\d+)?)/.exec(s)?.[1]).find(Boolean);
		const unreachable = p.inputs.find(
			(i) =>
				MEDIA_INPUT_TYPES.includes(i.type) &&
				isHttpUrl(i.value)?.hostname === 'unreachable.invalid',
		);

		let outcome: 'completed' | 'failed' = 'completed';
		let errorCode: string | undefined;
		let message: string | undefined;
		if (script) {
			outcome = script.outcome;
			if (outcome === 'failed') {
				errorCode = script.errorCode ?? 'provider_error';
				message = script.errorMessage ?? errorMessage(errorCode, p.run_type);
			}
		} else if (failToken) {
			outcome = 'failed';
			errorCode = failToken;
			message = errorMessage(failToken, p.run_type);
		} else if (unreachable) {
			outcome = 'failed';
			errorCode = 'input_unreachable';
			message = `Input "${unreachable.id}" could not be fetched from ${unreachable.value}.`;
		}
		let duration =
			script?.durationSeconds ??
			(durToken !== undefined ? Number(durToken) : undefined) ??
			this.s.durations.get(p.key) ??
			p.defaultDurationSeconds;
		if (errorCode === 'input_unreachable' && !script && durToken === undefined)
			duration = Math.min(duration, 2);

		const simNow = this.s.clock.now();
		const run: RunState = {
			run_id: rid('run_'),
			run_type: p.run_type,
			...(p.technique_id !== undefined
				? { technique_id: p.technique_id, technique_name: p.technique_name }
				: {}),
			...(p.model_id !== undefined ? { model_id: p.model_id } : {}),
			...(p.action_id !== undefined ? { action_id: p.action_id } : {}),
			...(p.params !== undefined ? { params: p.params } : {}),
			workspace_id: p.workspace_id,
			project_id: p.project_id,
			mode: p.mode,
			inputs: p.inputs,
			callbackUrl: p.callbackUrl,
			idempotencyKey: p.idempotencyKey,
			apiKey,
			status: 'pending',
			outcome,
			errorCode,
			errorMessage: message,
			durationSeconds: duration,
			outputBytes: script?.outputBytes ?? this.s.outputBytes.get(p.key),
			createdAt: Date.now(),
			simCreated: simNow,
			simStart: simNow + PENDING_SIM_MS,
			simEnd: simNow + PENDING_SIM_MS + duration * 1000,
			seq: ++this.s.seq,
			cost: p.cost,
			title: p.title,
			outputSlots: p.outputSlots,
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
				run.chargedCost = run.cost;
				this.s.balance -= run.cost;
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
