import type { ByteStream, FloraClient } from '../flora/client';
import { sleepUnlessCancelled } from '../flora/sleep';
import type { Run } from '../flora/types';
import { isTerminal } from '../flora/types';

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
