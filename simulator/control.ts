/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * The control surface over HTTP on the API host (/_simulator/…; not FLORA's API, no auth,
 * JSON bodies): state, recorded requests, run records, reset, faults, chaos and settings. The
 * routes are listed in index.ts.
 */
import type * as http from 'node:http';

import { send } from './http';
import { JSON_BODY_LIMIT, readRaw } from './requestBody';
import type { SimState } from './state';
import type { RateLimitSpec } from './rateLimit';
import type { ChaosSpec, FaultSpec, FloraSimulator, RunScript } from './types';

/** The Simulator's public surface, as the control routes use it. */
export type ControlledSimulator = FloraSimulator & { state(): Record<string, unknown> };

export async function handleControl(
	sim: ControlledSimulator,
	state: SimState,
	req: http.IncomingMessage,
	res: http.ServerResponse,
	url: URL,
	method: string,
): Promise<void> {
	const { buf } = await readRaw(req, JSON_BODY_LIMIT);
	let body: Record<string, unknown> = {};
	if (buf.length) {
		try {
			body = JSON.parse(buf.toString('utf8'));
		} catch {
			return send(res, 400, { error: 'body is not JSON' });
		}
	}
	const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
	try {
		switch (route) {
			case 'GET /_simulator/state':
				return send(res, 200, {
					...sim.state(),
					...(url.searchParams.get('include') === 'requests'
						? { requests: sim.requests, mediaRequests: sim.mediaRequests }
						: {}),
				});
			case 'GET /_simulator/requests':
				return send(res, 200, {
					requests: sim.requests,
					mediaRequests: sim.mediaRequests,
				});
			case 'POST /_simulator/reset':
				sim.reset();
				return send(res, 200, { ok: true });
			case 'POST /_simulator/faults': {
				const list = (
					Array.isArray(body) ? body : Array.isArray(body.faults) ? body.faults : [body]
				) as FaultSpec[];
				for (const f of list) sim.injectFault(f);
				return send(res, 200, {
					ok: true,
					pendingFaults: state.faults.pending(),
				});
			}
			case 'DELETE /_simulator/faults':
				state.faults.clear();
				return send(res, 200, { ok: true });
			case 'POST /_simulator/chaos':
				sim.setChaos(body as unknown as ChaosSpec);
				return send(res, 200, { ok: true, chaos: state.chaos?.spec ?? null });
			case 'DELETE /_simulator/chaos':
				sim.setChaos(null);
				return send(res, 200, { ok: true, chaos: null });
			case 'POST /_simulator/rate-limit':
				sim.setRateLimit(body as unknown as RateLimitSpec);
				return send(res, 200, { ok: true, rateLimit: state.rateLimit?.spec ?? null });
			case 'DELETE /_simulator/rate-limit':
				sim.setRateLimit(null);
				return send(res, 200, { ok: true, rateLimit: null });
			case 'POST /_simulator/config': {
				if (body.timeScale !== undefined) sim.setTimeScale(Number(body.timeScale));
				if (body.streamFormat !== undefined) {
					if (body.streamFormat !== 'event-stream' && body.streamFormat !== 'json')
						throw new Error('streamFormat must be event-stream or json');
					sim.setStreamFormat(body.streamFormat);
				}
				if (body.credits !== undefined) sim.setCredits(Number(body.credits));
				if (body.callbackHosts !== undefined)
					sim.setCallbackHosts(body.callbackHosts as Record<string, string>);
				for (const [t, s] of Object.entries((body.runDurations ?? {}) as Record<string, number>))
					sim.setRunDuration(t, Number(s));
				for (const [t, n] of Object.entries(
					(body.outputBytes ?? {}) as Record<string, number | null>,
				))
					sim.setOutputBytes(t, n === null ? null : Number(n));
				const scripts =
					body.scriptNextRun === undefined
						? []
						: Array.isArray(body.scriptNextRun)
							? body.scriptNextRun
							: [body.scriptNextRun];
				for (const s of scripts as Array<RunScript & { technique: string }>) {
					const { technique, ...script } = s;
					sim.scriptNextRun(technique, script);
				}
				return send(res, 200, {
					ok: true,
					timeScale: state.timeScale,
					streamFormat: state.streamFormat,
					credits: sim.credits,
				});
			}
		}
		const expire = /^\/_simulator\/assets\/([^/]+)\/expire\/?$/.exec(url.pathname);
		if (method === 'POST' && expire) {
			const message = body.failureMessage;
			sim.expireUpload(
				decodeURIComponent(expire[1]),
				message === undefined ? undefined : String(message),
			);
			return send(res, 200, { ok: true });
		}
		if (method === 'GET' && url.pathname.startsWith('/_simulator/runs/')) {
			const r = sim.getRun(decodeURIComponent(url.pathname.slice('/_simulator/runs/'.length)));
			return r ? send(res, 200, r) : send(res, 404, { error: 'no such run' });
		}
		return send(res, 404, { error: `no control endpoint ${route}` });
	} catch (e) {
		return send(res, 400, { error: (e as Error).message });
	}
}
