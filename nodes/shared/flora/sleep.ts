import { sleep } from 'n8n-workflow';

/** Longest single timer; keeps what is left behind after a cancel short. */
const SLICE_MS = 1_000;

/**
 * Sleeps with n8n's `sleep`, in slices of at most a second, and wakes at once when the
 * execution is cancelled.
 */
export async function sleepUnlessCancelled(ms: number, signal?: AbortSignal): Promise<void> {
	const until = Date.now() + ms;
	let onAbort: () => void = () => undefined;
	const aborted = new Promise<void>((resolve) => {
		onAbort = resolve;
		signal?.addEventListener('abort', onAbort, { once: true });
	});
	try {
		for (let left = ms; left > 0 && !signal?.aborted; left = until - Date.now()) {
			await Promise.race([sleep(Math.min(left, SLICE_MS)), aborted]);
		}
	} finally {
		signal?.removeEventListener('abort', onAbort);
	}
}
