import type { ByteStream, FloraClient } from '../../shared/flora/client';
import { isTransientFailure } from '../../shared/flora/client';
import { asNodeError } from '../../shared/flora/errors';
import type { Run } from '../../shared/flora/types';
import { isTerminal } from '../../shared/flora/types';
import type { WaitOptions } from './params';
import { sleepUnlessCancelled } from '../../shared/flora/sleep';

export interface WaitResult {
	run: Run;
	timedOut: boolean;
	/** When the timeout passed while FLORA could not be read: the last failure. */
	unreachable?: Error;
}

const FIRST_READ_MS = 1_000;
const MAX_READ_SPACING_MS = 30_000;
const SPACING_SHARE_OF_AGE = 0.2;

/**
 * When to read a run again, if the user set no interval: soon after the start, then spaced
 * out with the run's age (a short run is noticed within about a second, a long one costs a
 * few dozen reads), never more than 30 s apart.
 */
export function nextReadDelay(runAgeMs: number, pollIntervalMs?: number): number {
	if (pollIntervalMs !== undefined) return pollIntervalMs;
	return Math.min(MAX_READ_SPACING_MS, Math.max(FIRST_READ_MS, runAgeMs * SPACING_SHARE_OF_AGE));
}

/** Reads a run once; transient failures are retried until `retryUntil` when given. */
export async function readRun(
	client: FloraClient,
	techniqueId: string,
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
		path: `/techniques/${encodeURIComponent(techniqueId)}/runs/${encodeURIComponent(run.run_id)}`,
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
 * Reads the run until it ends or the timeout passes. A read that fails for a while (an outage,
 * rate limits) is tried again until the timeout: only the timeout ends the wait of a run that
 * has started.
 */
export async function waitForRun(
	client: FloraClient,
	techniqueId: string,
	run: Run,
	options: WaitOptions,
	startedAt: number,
	itemIndex: number,
): Promise<WaitResult> {
	const deadline = startedAt + options.timeoutMs;
	let unreachable: Error | undefined;
	const { value, timedOut } = await pollUntil(
		client,
		run,
		async (current) => {
			try {
				const read = await readRun(client, techniqueId, current, itemIndex, deadline);
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
		{ startedAt, deadline, intervalMs: options.pollIntervalMs },
		itemIndex,
	);
	return { run: value, timedOut: timedOut || unreachable !== undefined, unreachable };
}

export interface StreamOutcome {
	/** The last snapshot the stream carried, if any. */
	run?: Run;
	timedOut: boolean;
}

/**
 * Reads a `text/event-stream` answer whose events carry run snapshots, until a terminal
 * snapshot, the end of the stream, the deadline or cancellation. The caller polls from the
 * last snapshot when the stream ended early, so nothing is lost.
 */
export async function readRunEvents(
	client: FloraClient,
	stream: ByteStream,
	deadline: number,
	stopAfterFirstSnapshot = false,
): Promise<StreamOutcome> {
	let last: Run | undefined;
	let buffer = '';
	let finished = false;
	let timedOut = false;
	const watchdog = (async () => {
		while (!finished) {
			await sleepUnlessCancelled(
				Math.min(1_000, Math.max(0, deadline - Date.now())),
				client.signal,
			);
			if (finished) return;
			if (client.cancelled || Date.now() >= deadline) {
				timedOut = !client.cancelled;
				stream.destroy();
				return;
			}
		}
	})();
	try {
		for await (const chunk of stream) {
			buffer += Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
			for (
				let boundary = findEventBoundary(buffer);
				boundary;
				boundary = findEventBoundary(buffer)
			) {
				const snapshot = parseRunEvent(buffer.slice(0, boundary.index));
				buffer = buffer.slice(boundary.index + boundary.length);
				if (!snapshot) continue;
				last = snapshot;
				if (stopAfterFirstSnapshot || isTerminal(snapshot.status)) {
					stream.destroy();
					return { run: last, timedOut: false };
				}
			}
		}
	} catch {
		// A cut connection ends the stream; the caller carries on by polling.
	} finally {
		finished = true;
		void watchdog;
	}
	const trailing = parseRunEvent(buffer);
	if (trailing) last = trailing;
	return { run: last, timedOut };
}

function findEventBoundary(text: string): { index: number; length: number } | undefined {
	const match = /\r?\n\r?\n/.exec(text);
	return match ? { index: match.index, length: match[0].length } : undefined;
}

function parseRunEvent(block: string): Run | undefined {
	const data = block
		.split(/\r?\n/)
		.filter((line) => line.startsWith('data:'))
		.map((line) => line.slice(5).replace(/^ /, ''))
		.join('\n');
	if (data.trim() === '') return undefined;
	try {
		const parsed = JSON.parse(data) as Run;
		return typeof parsed?.run_id === 'string' && typeof parsed?.status === 'string'
			? parsed
			: undefined;
	} catch {
		return undefined;
	}
}
