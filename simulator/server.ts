/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/require-node-api-error, no-console -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * The FLORA API simulator: two HTTP servers on loopback (the API host and a separate media
 * host) behaving as ../shared/flora-api.md and flora-openapi.json describe. See index.ts for
 * the public surface and the control endpoints. Here: the servers, the API host's request
 * pipeline (record, faults, contract check, dispatch to the routes) and the Simulator's public
 * methods.
 */
import { rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { DEFAULT_API_KEY } from './auth';
import { TECHNIQUES, findTechnique } from './catalogue';
import { Chaos } from './chaos';
import { handleControl } from './control';
import { rid } from './encoding';
import { ApiRequestFaults, MEDIA_ROUTE } from './faults';
import { ApiError, errorBody, send, type Reply } from './http';
import { MediaHost } from './mediaHost';
import { readBody } from './requestBody';
import { ApiRoutes } from './routes/api';
import { RateLimiter, bearerKey, type RateLimitSpec } from './rateLimit';
import { RunLifecycle } from './runLifecycle';
import { runTargetKey } from './runTargets';
import { RUN_CREATE_ROUTES, matchRoute, type Contract } from './spec';
import { SimState } from './state';
import { stateReport } from './stateReport';
import { runsShownBy } from './runsShown';
import type {
	ChaosLogEntry,
	ChaosSpec,
	FaultSpec,
	FloraSimulator,
	MediaRequestRecord,
	RecordedRequest,
	RunRecord,
	RunScript,
	SimulatorOptions,
	StreamFormat,
	UploadRecord,
	WebhookDeliveryRecord,
} from './types';
import { DEFAULT_WEBHOOK_SECRET, Webhooks, parseCallbackHosts } from './webhooks';

export { DEFAULT_API_KEY, VIEWER_API_KEY } from './auth';
export { ALLOWED_ASSET_TYPES, DIRECT_UPLOAD_MAX_BYTES } from './assetTypes';
export { MEDIA_ROUTE } from './faults';
export { ApiError } from './http';
export { RUN_ERROR_CODES } from './runLifecycle';
export { DEFAULT_WEBHOOK_SECRET, WEBHOOK_API_VERSION, WEBHOOK_MAX_SOCKETS } from './webhooks';

export const API_PREFIX = '/api/v1';
const CREATE_RUN = 'POST /techniques/{techniqueId}/runs';

export class Simulator implements FloraSimulator {
	readonly requests: RecordedRequest[];
	readonly webhookDeliveries: WebhookDeliveryRecord[];
	readonly contractViolations: string[];
	readonly uploads: UploadRecord[];
	readonly mediaRequests: MediaRequestRecord[];
	readonly chaosLog: ChaosLogEntry[];

	readonly contract: Contract;
	private readonly s: SimState;
	private readonly api: http.Server;
	private readonly media: http.Server;
	readonly connections = new Set<Socket>();
	peakConnections = 0;
	private readonly webhooks: Webhooks;
	private readonly lifecycle: RunLifecycle;
	private readonly routes: ApiRoutes;
	private readonly mediaHost: MediaHost;

	constructor(private readonly options: SimulatorOptions = {}) {
		const s = new SimState(options);
		this.s = s;
		this.contract = s.contract;
		this.requests = s.requests;
		this.webhookDeliveries = s.webhookDeliveries;
		this.contractViolations = s.contractViolations;
		this.uploads = s.uploads;
		this.mediaRequests = s.mediaRequests;
		this.chaosLog = s.chaosLog;
		this.webhooks = new Webhooks(
			options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET,
			s.clock,
			s.scheduler,
			s.webhookDeliveries,
			() => s.callbackHosts,
		);
		this.lifecycle = new RunLifecycle(s, this.webhooks);
		this.routes = new ApiRoutes(
			s,
			this.lifecycle,
			new Set([DEFAULT_API_KEY, ...(options.apiKeys ?? [])]),
		);
		this.mediaHost = new MediaHost(s);
		this.api = http.createServer((req, res) => {
			this.handleApi(req, res).catch((e) => this.internalFailure(res, e));
		});
		this.media = http.createServer((req, res) => {
			this.mediaHost.handle(req, res).catch((e) => {
				if (!res.headersSent) {
					res.writeHead(500, { 'content-type': 'text/plain' });
					res.end(String(e?.message ?? e));
				} else res.destroy();
			});
		});
		for (const server of [this.api, this.media]) {
			server.on('connection', (sock: Socket) => {
				this.connections.add(sock);
				this.peakConnections = Math.max(this.peakConnections, this.connections.size);
				sock.on('close', () => this.connections.delete(sock));
			});
			server.keepAliveTimeout = 5000;
		}
	}

	get baseUrl(): string {
		return this.s.baseUrl;
	}
	set baseUrl(url: string) {
		this.s.baseUrl = url;
	}
	get mediaOrigin(): string {
		return this.s.mediaOrigin;
	}
	set mediaOrigin(origin: string) {
		this.s.mediaOrigin = origin;
	}

	async listen(): Promise<void> {
		const host = this.options.host ?? '127.0.0.1';
		const listen = (s: http.Server, port: number) =>
			new Promise<number>((resolve, reject) => {
				s.once('error', reject);
				s.listen(port, host, () => {
					s.off('error', reject);
					resolve((s.address() as AddressInfo).port);
				});
			});
		const apiPort = await listen(this.api, this.options.port ?? 0);
		const mediaPort = await listen(this.media, this.options.mediaPort ?? 0);
		const h = host.includes(':') ? `[${host}]` : host;
		this.baseUrl = `http://${h}:${apiPort}${API_PREFIX}`;
		this.mediaOrigin = `http://${h}:${mediaPort}`;
	}

	async close(): Promise<void> {
		this.s.scheduler.clear();
		this.s.stopStreams();
		const closing = [this.api, this.media].map(
			(s) => new Promise<void>((resolve) => s.close(() => resolve())),
		);
		for (const sock of this.connections) sock.destroy();
		this.webhooks.close();
		await Promise.all(closing);
		rmSync(this.s.tmpDir, { recursive: true, force: true });
	}

	reset(): void {
		this.webhooks.reset();
		this.s.reset();
	}

	// -------------------------------------------------------------- control surface (in-process)
	injectFault(fault: FaultSpec): void {
		this.s.faults.inject(fault);
	}

	setChaos(spec: ChaosSpec | null): void {
		this.s.chaos =
			spec === null
				? null
				: new Chaos(spec, (r) => r === MEDIA_ROUTE || Boolean(this.contract.operation(r)));
	}

	setRateLimit(spec: RateLimitSpec | null): void {
		this.s.rateLimit = spec === null ? null : new RateLimiter(spec);
	}

	setRunDuration(technique: string, seconds: number): void {
		this.s.durations.set(runTargetKey(technique), seconds);
	}

	scriptNextRun(technique: string, script: RunScript): void {
		const id = runTargetKey(technique);
		const q = this.s.scripts.get(id) ?? [];
		q.push({ ...script });
		this.s.scripts.set(id, q);
	}

	setOutputBytes(technique: string, bytes: number | null): void {
		const id = runTargetKey(technique);
		if (bytes === null) this.s.outputBytes.delete(id);
		else this.s.outputBytes.set(id, bytes);
	}

	expireUpload(assetId: string, failureMessage?: string): void {
		const a = this.s.assets.get(assetId);
		if (!a || a.uploaded_via !== 'signed_url' || a.status !== 'pending_upload')
			throw new Error(`no pending signed upload "${assetId}"`);
		a.expires_at = new Date(Date.now() - 1000).toISOString();
		if (failureMessage !== undefined) {
			a.status = 'failed';
			a.failure_message = failureMessage;
		}
	}

	setCredits(usd: number): void {
		this.s.balance = usd;
	}

	get credits(): number {
		return Math.round(this.s.balance * 1e6) / 1e6;
	}

	setStreamFormat(f: StreamFormat): void {
		this.s.streamFormat = f;
	}

	setTimeScale(n: number): void {
		if (!(n > 0)) throw new Error('timeScale must be > 0');
		this.s.timeScale = n;
		this.s.clock.setScale(n);
		this.s.scheduler.rearmAll();
	}

	setCallbackHosts(hosts: Record<string, string>): void {
		this.s.callbackHosts = parseCallbackHosts(hosts);
	}

	countRequests(route?: string): number {
		return route === undefined
			? this.requests.length
			: this.requests.filter((r) => r.route === route).length;
	}

	runsCreated(filter: { technique?: string; idempotencyKey?: string } = {}): number {
		let id: string | undefined;
		if (filter.technique !== undefined)
			id = findTechnique(filter.technique)?.technique_id ?? filter.technique;
		let n = 0;
		for (const r of this.s.runs.values()) {
			if (id !== undefined && r.technique_id !== id) continue;
			if (filter.idempotencyKey !== undefined && r.idempotencyKey !== filter.idempotencyKey)
				continue;
			n++;
		}
		return n;
	}

	getRun(runId: string): RunRecord | undefined {
		const r = this.s.runs.get(runId);
		if (!r) return undefined;
		this.lifecycle.advance(r);
		// eslint-disable-next-line @typescript-eslint/no-unused-vars
		const { task, cost, title, outputSlots, ...record } = r;
		return {
			...record,
			inputs: record.inputs.map((i) => ({ ...i })),
			outputs: record.outputs?.map((o) => ({ ...o })),
		};
	}

	/** All run records, oldest first. */
	listRuns(): RunRecord[] {
		return [...this.s.runs.keys()].map((id) => this.getRun(id) as RunRecord);
	}

	state(): Record<string, unknown> {
		return stateReport(this, this.s);
	}

	// -------------------------------------------------------------- the API host
	private internalFailure(res: http.ServerResponse, e: unknown): void {
		// A bug in the simulator: answer like FLORA's generic 500.
		console.error('[flora-simulator] handler failed:', e);
		send(res, 500, errorBody('unknown_error', 'An unknown error occurred.'));
	}

	private async handleApi(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const requestId = rid('req_');
		res.setHeader('request-id', requestId);
		const url = new URL(req.url ?? '/', 'http://simulator.local');
		const method = (req.method ?? 'GET').toUpperCase();

		if (url.pathname === '/_simulator' || url.pathname.startsWith('/_simulator/')) {
			return handleControl(this, this.s, req, res, url, method);
		}

		const query: Record<string, string> = {};
		for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
		const inApi = url.pathname === API_PREFIX || url.pathname.startsWith(API_PREFIX + '/');
		const rel = inApi ? url.pathname.slice(API_PREFIX.length) || '/' : url.pathname;
		const m = inApi ? matchRoute(method, rel) : { route: null, pathExists: false };
		const routeKey = m.route ? m.route.key : null;
		const params = m.route ? (m as { params: Record<string, string> }).params : {};

		const record: RecordedRequest = {
			method,
			path: url.pathname,
			route: routeKey,
			query,
			headers: { ...req.headers },
			receivedAt: Date.now(),
			requestId,
		};
		this.requests.push(record);
		res.on('finish', () => {
			record.status = res.statusCode;
			record.answeredAt = Date.now();
		});

		const waitMs = inApi ? (this.s.rateLimit?.take(bearerKey(req.headers.authorization)) ?? 0) : 0;
		if (waitMs > 0) {
			record.rateLimited = true;
			req.resume();
			return send(res, 429, errorBody('rate_limited', 'Too many requests. Retry later.'), {
				'retry-after': String(Math.ceil(waitMs / 1000)),
			});
		}

		const faults = new ApiRequestFaults(
			this.s.faults,
			this.s.chaos,
			this.chaosLog,
			routeKey,
			record,
		);
		if (faults.dropOnArrival(req)) return;

		const body = await readBody(req, routeKey);
		if (body.kind !== 'none') record.body = body.value;

		const stream =
			routeKey === CREATE_RUN &&
			this.s.streamFormat === 'event-stream' &&
			(body.value as { mode?: unknown } | undefined)?.mode === 'stream';
		if (faults.answerBeforeHandling(req, res, stream)) return;

		if (m.route) {
			const violations = this.contract.checkRequest({
				routeKey: m.route.key,
				method,
				path: url.pathname,
				params,
				query,
				headers: req.headers,
				contentType: req.headers['content-type'],
				bodyKind: body.kind,
				body:
					body.kind === 'multipart'
						? {
								...body.multipart?.fields,
								...(body.multipart?.file ? { [body.multipart.file.field]: '<binary>' } : {}),
							}
						: body.value,
			});
			this.contractViolations.push(...violations);
		}

		let reply: Reply;
		try {
			reply = this.routes.dispatch(method, routeKey, params, query, req, body);
		} catch (e) {
			if (e instanceof ApiError) {
				reply = {
					kind: 'json',
					status: e.status,
					body: errorBody(e.code, e.message, e.fields),
					headers: e.headers,
				};
			} else throw e;
		}

		// The run a run create made, for the chaos log.
		const runId =
			reply.kind === 'stream'
				? reply.runId
				: RUN_CREATE_ROUTES.includes(routeKey ?? '') && reply.status < 300
					? (reply.body as { run_id?: string }).run_id
					: undefined;
		if (await faults.afterHandling(req, runId)) return;
		if (res.destroyed) return;
		if (reply.kind === 'json' && reply.status < 300) record.runsShown = runsShownBy(reply.body);
		if (reply.kind === 'json') send(res, reply.status, reply.body, reply.headers);
		else reply.start(res, faults.streamCut(runId));
	}
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const sim = new Simulator(options);
	await sim.listen();
	return sim;
}

export { TECHNIQUES };
