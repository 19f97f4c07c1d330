/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Webhook deliveries: a run that ends with a callback_url gets one signed POST (Flora-Signature:
 * t=<unix seconds>,v1=HMAC-SHA256(secret, "<t>.<body>")), retried up to three times on a non-2xx
 * answer or an error (after 10 s, 60 s, 300 s of simulated time). Every delivery shares one
 * keep-alive agent per protocol. In test mode a callback whose host is mapped (callbackHosts,
 * `--map-host`) is delivered to the origin it maps to, over plain HTTP when that origin says
 * so: the callback URL itself stays an https URL to a public-looking host, as FLORA requires.
 */
import { createHmac } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';

import type { Scheduler, SimClock } from './clock';
import { rid } from './encoding';
import type { RunRecord, WebhookDeliveryRecord } from './types';

export const DEFAULT_WEBHOOK_SECRET = 'whsec_flora_simulator_secret';
export const WEBHOOK_API_VERSION = '2026-06-11';
/** Webhook deliveries share one keep-alive agent: at most this many sockets per receiver. */
export const WEBHOOK_MAX_SOCKETS = 50;

const WEBHOOK_RETRY_SIM_SECONDS = [10, 60, 300];
const WEBHOOK_TIMEOUT_MS = 10_000;

/**
 * Reads a callbackHosts option: each key a host name (no port), each value an http(s) origin.
 */
export function parseCallbackHosts(hosts: Record<string, string> = {}): Map<string, URL> {
	const parsed = new Map<string, URL>();
	for (const [host, origin] of Object.entries(hosts)) {
		const name = host.trim().toLowerCase();
		if (!/^[a-z0-9.-]+$/.test(name)) throw new Error(`callbackHosts: "${host}" is not a host name`);
		let target: URL;
		try {
			target = new URL(origin);
		} catch {
			throw new Error(`callbackHosts: "${origin}" (for ${host}) is not a URL`);
		}
		if (
			(target.protocol !== 'http:' && target.protocol !== 'https:') ||
			(target.pathname !== '/' && target.pathname !== '') ||
			target.search ||
			target.hash
		)
			throw new Error(`callbackHosts: "${origin}" (for ${host}) must be an http(s) origin`);
		parsed.set(name, target);
	}
	return parsed;
}

/** Where a callback goes: its own URL, or in test mode the mapped origin with its path and query. */
export function deliveryTarget(url: URL, hosts: ReadonlyMap<string, URL>): URL {
	const target = hosts.get(url.hostname.toLowerCase());
	if (!target) return url;
	const mapped = new URL(`${url.pathname}${url.search}`, target.origin);
	if (target.port === '') mapped.port = url.port;
	return mapped;
}

export class Webhooks {
	private readonly agents = {
		http: new http.Agent({ keepAlive: true, maxSockets: WEBHOOK_MAX_SOCKETS, timeout: 4000 }),
		https: new https.Agent({ keepAlive: true, maxSockets: WEBHOOK_MAX_SOCKETS, timeout: 4000 }),
	};
	/** Bumped by reset(): work started before a reset (in-flight webhook attempts) is dropped. */
	private epoch = 0;

	constructor(
		private readonly secret: string,
		private readonly clock: SimClock,
		private readonly scheduler: Scheduler,
		private readonly deliveries: WebhookDeliveryRecord[],
		private readonly callbackHosts: () => ReadonlyMap<string, URL> = () => new Map(),
	) {}

	/** Deliver the event of a run that just ended to its callback URL. */
	queue(run: RunRecord): void {
		const url = run.callbackUrl as string;
		const event = {
			id: rid('whd_'),
			type: run.status === 'completed' ? 'run.completed' : 'run.failed',
			api_version: WEBHOOK_API_VERSION,
			created_at: Date.now(),
			data: {
				run_id: run.run_id,
				run_type: run.run_type,
				workspace_id: run.workspace_id,
				status: run.status,
				...(run.status === 'failed'
					? { error_code: run.errorCode, error_message: run.errorMessage }
					: {}),
			},
		};
		const body = JSON.stringify(event);
		const epoch = this.epoch;
		const attempt = (n: number) => {
			if (epoch !== this.epoch) return;
			const t = Math.floor(Date.now() / 1000);
			const sig = createHmac('sha256', this.secret).update(`${t}.${body}`).digest('hex');
			const headers: Record<string, string> = {
				'Content-Type': 'application/json',
				'Content-Length': String(Buffer.byteLength(body)),
				'User-Agent': 'FLORA-Webhooks/1.0 (simulator)',
				'Flora-Signature': `t=${t},v1=${sig}`,
				'Flora-Webhook-Id': event.id,
				'Flora-Event': event.type,
			};
			const rec: WebhookDeliveryRecord = {
				deliveryId: event.id,
				runId: run.run_id,
				attempt: n,
				url,
				headers,
				body,
				status: null,
				attemptedAt: Date.now(),
			};
			this.deliveries.push(rec);
			const finish = (status: number | null, error?: string) => {
				rec.status = status;
				if (error) rec.error = error;
				if (epoch !== this.epoch) return;
				const ok = status !== null && status >= 200 && status < 300;
				if (!ok && n < 4) {
					this.scheduler.at(this.clock.now() + WEBHOOK_RETRY_SIM_SECONDS[n - 1] * 1000, () =>
						attempt(n + 1),
					);
				}
			};
			let settled = false;
			const once = (status: number | null, error?: string) => {
				if (settled) return;
				settled = true;
				finish(status, error);
			};
			try {
				const callback = new URL(url);
				const u = deliveryTarget(callback, this.callbackHosts());
				// A mapped callback arrives as through a reverse proxy: with the callback's own Host.
				const sent = u === callback ? headers : { ...headers, Host: callback.host };
				if (u !== callback) rec.deliveredTo = u.href;
				const secure = u.protocol === 'https:';
				const r = (secure ? https : http).request(
					u,
					{
						method: 'POST',
						headers: sent,
						timeout: WEBHOOK_TIMEOUT_MS,
						agent: secure ? this.agents.https : this.agents.http,
					},
					(resp) => {
						resp.resume();
						once(resp.statusCode ?? null);
					},
				);
				r.on('timeout', () => {
					r.destroy(new Error('timeout after 10 s'));
				});
				r.on('error', (e) => once(null, e.message));
				r.end(body);
			} catch (e) {
				once(null, (e as Error).message);
			}
		};
		attempt(1);
	}

	reset(): void {
		this.epoch++;
	}

	close(): void {
		this.agents.http.destroy();
		this.agents.https.destroy();
	}
}
