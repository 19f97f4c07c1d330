import type { FloraClient } from '../flora/client';
import { isTransientFailure } from '../flora/client';
import { asNodeError } from '../flora/errors';
import { sleepUnlessCancelled } from '../flora/sleep';
import type { Run } from '../flora/types';
import { isTerminal } from '../flora/types';
import type { RunKind } from './kind';
import { readPathOf } from './kind';
import { nextReadDelay } from './schedule';

export { nextReadDelay };

export interface WaitResult {
	run: Run;
	timedOut: boolean;
	/** When the timeout passed while FLORA could not be read: the last failure. */
	unreachable?: Error;
}

/** Reads a run once; transient failures are retried until `retryUntil` when given. */
export async function readRun(
	client: FloraClient,
	kind: RunKind,
	run: Pick<Run, 'run_id' | 'poll_url'>,
	itemIndex: number,
	retryUntil?: number,
): Promise<Run> {
	const pollUrl =
		typeof run.poll_url === 'string' && client.isUnderBaseUrl(run.poll_url)
			? run.poll_url
			: undefined;
	const response = await client.request<Run>({
		method: 'GET',
		url: pollUrl,
		path: readPathOf(kind, run.run_id),
		retry: 'safe',
		retryUntil,
		itemIndex,
	});
	// A run read back may omit poll_url; keep the one FLORA gave at the start.
	return { ...response.body, poll_url: response.body.poll_url ?? run.poll_url };
}

export interface PollSchedule {
	startedAt: number;
	deadline: number;
	/** A fixed interval; when absent, reads are spaced out with the age (see nextReadDelay). */
	intervalMs?: number;
}

/**
 * The one polling loop of the node: reads until `done`, the deadline, or cancellation.
 * Runs and uploaded assets are both waited for with it.
 */
export async function pollUntil<T>(
	client: FloraClient,
	initial: T,
	read: (current: T) => Promise<T>,
	done: (current: T) => boolean,
	schedule: PollSchedule,
	itemIndex?: number,
): Promise<{ value: T; timedOut: boolean }> {
	let current = initial;
	while (!done(current)) {
		const now = Date.now();
		if (now >= schedule.deadline) return { value: current, timedOut: true };
		const delay = Math.min(
			nextReadDelay(now - schedule.startedAt, schedule.intervalMs),
			schedule.deadline - now,
		);
		await sleepUnlessCancelled(delay, client.signal);
		client.throwIfCancelled(itemIndex);
		current = await read(current);
	}
	return { value: current, timedOut: false };
}

/**
 * Reads the run on its own every `intervalMs` (the user's Poll Interval) until it ends or the
 * deadline passes. A read that fails for a while (an outage, rate limits) is tried again until
 * the deadline: only the timeout ends the wait of a run that has started.
 */
export async function waitEvery(
	client: FloraClient,
	kind: RunKind,
	run: Run,
	schedule: Required<PollSchedule>,
	itemIndex: number,
): Promise<WaitResult> {
	const { deadline } = schedule;
	let unreachable: Error | undefined;
	const { value, timedOut } = await pollUntil(
		client,
		run,
		async (current) => {
			try {
				const read = await readRun(client, kind, current, itemIndex, deadline);
				unreachable = undefined;
				return read;
			} catch (error) {
				// The transport gives up on a transient failure only when the deadline is near.
				if (!isTransientFailure(error)) throw asNodeError(client.node, error, itemIndex);
				unreachable = error as Error;
				return current;
			}
		},
		(current) => isTerminal(current.status) || unreachable !== undefined,
		schedule,
		itemIndex,
	);
	return { run: value, timedOut: timedOut || unreachable !== undefined, unreachable };
}
