/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** The event stream a streamed run create answers: one `data:` event per change of status or progress. */
import type * as http from 'node:http';

import type { StreamCut } from '../http';
import type { RunState } from '../state';

const STREAM_TICK_MS = 250;

/**
 * Stream `run` until it ends. `read` advances the run and answers its API body; `timers` holds
 * the tick timer while the stream is open (so that reset() and close() can stop it).
 */
export function streamRun(
	run: RunState,
	read: () => Record<string, unknown>,
	timers: Set<NodeJS.Timeout>,
	res: http.ServerResponse,
	cut: StreamCut | null,
): void {
	res.writeHead(200, {
		'content-type': 'text/event-stream; charset=utf-8',
		'cache-control': 'no-cache',
		connection: 'keep-alive',
	});
	let sent = 0;
	let last = '';
	let timer: NodeJS.Timeout | undefined;
	const stop = () => {
		if (timer) {
			clearInterval(timer);
			timers.delete(timer);
		}
	};
	const tick = () => {
		if (res.destroyed || res.writableEnded) return stop();
		const snap = read();
		const sig = `${snap.status}|${snap.progress}`;
		if (sig !== last) {
			if (cut && sent >= cut.afterEvents) {
				stop();
				cut.onCut?.();
				res.destroy();
				return;
			}
			last = sig;
			res.write(`data: ${JSON.stringify(snap)}\n\n`);
			sent++;
		}
		if (run.status === 'completed' || run.status === 'failed') {
			stop();
			res.end();
		}
	};
	res.on('close', stop);
	tick();
	if (!res.writableEnded && !res.destroyed) {
		timer = setInterval(tick, STREAM_TICK_MS);
		timers.add(timer);
	}
}
