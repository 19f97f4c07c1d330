/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** Shared helpers for the simulator's own tests (real HTTP through axios). */
import axios, { type AxiosInstance } from 'axios';
import { DEFAULT_API_KEY, type FloraSimulator } from '../../simulator';

export function api(sim: FloraSimulator, key: string | null = DEFAULT_API_KEY): AxiosInstance {
	return axios.create({
		baseURL: sim.baseUrl,
		headers: key === null ? {} : { Authorization: `Bearer ${key}` },
		validateStatus: () => true,
		maxRedirects: 0,
	});
}

export async function waitFor<T>(
	fn: () => Promise<T | undefined | false> | T | undefined | false,
	timeoutMs = 15000,
	intervalMs = 15,
): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		const v = await fn();
		if (v !== undefined && v !== false) return v as T;
		if (Date.now() > end) throw new Error('waitFor: timed out');
		await new Promise((r) => setTimeout(r, intervalMs));
	}
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** Poll a run (through the API) until it is completed or failed; answers the last body. */
export async function pollRun(
	client: AxiosInstance,
	technique: string,
	runId: string,
): Promise<Json> {
	return waitFor(async () => {
		const r = await client.get(`/techniques/${technique}/runs/${runId}`);
		if (r.status !== 200) throw new Error(`poll answered ${r.status}`);
		return r.data.status === 'completed' || r.data.status === 'failed' ? r.data : undefined;
	});
}

export function textInput(id: string, value: string) {
	return { id, type: 'text', value };
}
