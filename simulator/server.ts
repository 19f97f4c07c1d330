/**
 * The FLORA API simulator: two HTTP servers on loopback (the API host and a separate media
 * host) behaving as flora-api.md and flora-openapi.json describe. See index.ts for the public
 * surface and the control endpoints.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import {
	createReadStream,
	createWriteStream,
	mkdtempSync,
	rmSync,
	type WriteStream,
} from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';

import {
	DEFAULT_PROJECT_ID,
	DEFAULT_WORKSPACE_ID,
	TECHNIQUES,
	WORKSPACES,
	findTechnique,
	publicTechnique,
	searchTechniques,
	type CatalogueTechnique,
} from './catalogue';
import { Chaos, cutLength, recordChaos, sendTruncated, sleep, type ChaosHit } from './chaos';
import { MEDIA_TYPES, makeMedia, pngDimensions, type MediaFile, type MediaSlotType } from './media';
import { MultipartParser, boundaryOf } from './multipart';
import { Contract, matchRoute, type RequestFacts } from './spec';
import type {
	ChaosLogEntry,
	ChaosSpec,
	FaultSpec,
	FloraSimulator,
	MediaRequestRecord,
	RecordedRequest,
	RunOutputRecord,
	RunRecord,
	RunScript,
	SimulatorOptions,
	StreamFormat,
	UploadRecord,
	WebhookDeliveryRecord,
} from './types';

export const DEFAULT_API_KEY = 'sk_test_flora_simulator';
export const VIEWER_API_KEY = 'sk_test_flora_viewer';
export const DEFAULT_WEBHOOK_SECRET = 'whsec_flora_simulator_secret';

export const API_PREFIX = '/api/v1';
export const WEBHOOK_API_VERSION = '2026-06-11';
export const RUN_ERROR_CODES = [
	'provider_error',
	'model_timeout',
	'safety_blocked',
	'input_unreachable',
	'internal_error',
] as const;
export const DIRECT_UPLOAD_MAX_BYTES = 4 * 1024 * 1024;
export const ALLOWED_ASSET_TYPES = [
	'image/jpeg',
	'image/png',
	'image/webp',
	'image/gif',
	'image/avif',
	'image/heic',
	'image/heif',
	'video/mp4',
	'video/webm',
	'video/quicktime',
	'audio/mpeg',
	'audio/wav',
	'audio/x-wav',
	'audio/wave',
	'audio/ogg',
	'application/pdf',
];
/** Faults on this route hit the media host's output files (not part of FLORA's API contract). */
export const MEDIA_ROUTE = 'GET /media/{runId}/{file}';
/** Webhook deliveries share one keep-alive agent: at most this many sockets per receiver. */
export const WEBHOOK_MAX_SOCKETS = 50;
const CREATE_RUN = 'POST /techniques/{techniqueId}/runs';

const EXTENSION_TYPES: Record<string, string> = {
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	png: 'image/png',
	webp: 'image/webp',
	gif: 'image/gif',
	avif: 'image/avif',
	heic: 'image/heic',
	heif: 'image/heif',
	mp4: 'video/mp4',
	webm: 'video/webm',
	mov: 'video/quicktime',
	mp3: 'audio/mpeg',
	wav: 'audio/wav',
	ogg: 'audio/ogg',
	pdf: 'application/pdf',
};

const PENDING_SIM_MS = 1000;
const IDEMPOTENCY_TTL_SIM_MS = 2 * 3600 * 1000;
const WEBHOOK_RETRY_SIM_SECONDS = [10, 60, 300];
const WEBHOOK_TIMEOUT_MS = 10_000;
const STREAM_TICK_MS = 250;
const JSON_BODY_LIMIT = 16 * 1024 * 1024;

const ERROR_MESSAGES: Record<string, string> = {
	provider_error: 'The model provider returned an error while running this technique.',
	model_timeout: 'The model did not finish within its time limit.',
	safety_blocked: 'The request was blocked by the content safety filter.',
	input_unreachable: 'An input URL could not be fetched.',
	internal_error: 'An internal error occurred while running the technique.',
};

// ------------------------------------------------------------------ helpers
function rid(prefix: string, bytes = 12): string {
	return `${prefix}${randomBytes(bytes).toString('hex')}`;
}

export class ApiError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly fields?: Array<{ field: string; message: string }>,
		readonly headers?: Record<string, string>,
	) {
		super(message);
	}
}

function errorBody(
	code: string,
	message: string,
	fields?: Array<{ field: string; message: string }>,
) {
	return { error: fields && fields.length ? { code, message, fields } : { code, message } };
}

function validationError(fields: Array<{ field: string; message: string }>): ApiError {
	return new ApiError(
		400,
		'input_validation_error',
		fields.map((f) => `${f.field}: ${f.message}`).join('; '),
		fields,
	);
}

function stableStringify(v: unknown): string {
	if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
	if (v && typeof v === 'object') {
		return `{${Object.keys(v as object)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
			.join(',')}}`;
	}
	return JSON.stringify(v);
}

function b64url(s: string): string {
	return Buffer.from(s, 'utf8').toString('base64url');
}
function unb64url(s: string): unknown {
	try {
		return JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
	} catch {
		return null;
	}
}

function isPrivateHost(hostname: string): boolean {
	const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (
		h === 'localhost' ||
		h.endsWith('.localhost') ||
		h.endsWith('.local') ||
		h.endsWith('.internal')
	)
		return true;
	if (isIP(h) === 4) {
		const [a, b] = h.split('.').map(Number);
		return (
			a === 0 ||
			a === 10 ||
			a === 127 ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			(a === 100 && b >= 64 && b <= 127)
		);
	}
	if (isIP(h) === 6)
		return (
			h === '::1' ||
			h === '::' ||
			/^f[cd]/.test(h) ||
			/^fe[89ab]/.test(h) ||
			h.startsWith('::ffff:')
		);
	return false;
}

function isLoopbackHost(hostname: string): boolean {
	const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

function isHttpUrl(v: string): URL | null {
	try {
		const u = new URL(v);
		return u.protocol === 'http:' || u.protocol === 'https:' ? u : null;
	} catch {
		return null;
	}
}

function firstHeader(v: string | string[] | undefined): string | undefined {
	return Array.isArray(v) ? v[0] : v;
}

// ------------------------------------------------------------------ simulated clock + scheduler
class SimClock {
	private baseReal = Date.now();
	private baseSim = 0;
	constructor(public scale: number) {}
	now(): number {
		return this.baseSim + (Date.now() - this.baseReal) * this.scale;
	}
	/** Real Date.now() time of a simulated instant (exact within the current time-scale segment). */
	toReal(sim: number): number {
		return Math.round(this.baseReal + (sim - this.baseSim) / this.scale);
	}
	setScale(s: number): void {
		this.baseSim = this.now();
		this.baseReal = Date.now();
		this.scale = s;
	}
}

interface Task {
	simAt: number;
	fn: () => void;
	timer?: NodeJS.Timeout;
}

class Scheduler {
	private readonly tasks = new Set<Task>();
	constructor(private readonly clock: SimClock) {}
	at(simAt: number, fn: () => void): Task {
		const task: Task = { simAt, fn };
		this.tasks.add(task);
		this.arm(task);
		return task;
	}
	private arm(task: Task): void {
		const delay = Math.max(0, (task.simAt - this.clock.now()) / this.clock.scale);
		// Node truncates fractional delays, so a timer may fire a little early: never run a task
		// before it is due on the simulated clock, re-arm instead.
		task.timer = setTimeout(
			() => {
				if (this.clock.now() < task.simAt) return this.arm(task);
				this.tasks.delete(task);
				task.fn();
			},
			Math.min(Math.ceil(delay), 2 ** 31 - 1),
		);
		task.timer.unref();
	}
	cancel(task: Task | undefined): void {
		if (!task) return;
		clearTimeout(task.timer);
		this.tasks.delete(task);
	}
	rearmAll(): void {
		for (const t of this.tasks) {
			clearTimeout(t.timer);
			this.arm(t);
		}
	}
	clear(): void {
		for (const t of this.tasks) clearTimeout(t.timer);
		this.tasks.clear();
	}
}

// ------------------------------------------------------------------ internal state types
interface RunState extends RunRecord {
	task?: Task;
	technique: CatalogueTechnique;
}

interface AssetState {
	asset_id: string;
	workspace_id: string;
	project_id?: string;
	status: 'pending_upload' | 'ready' | 'failed';
	uploaded_via: 'url' | 'signed_url' | 'direct';
	content_type: string;
	upload_content_type: string | null;
	file_name: string;
	created_at: string;
	expires_at?: string;
	size?: number;
	sha256?: string;
	data?: Buffer;
	filePath?: string;
	width?: number;
	height?: number;
	failure_message: string | null;
	source?: string;
	readyAtSim?: number;
	uploadToken: string;
}

type FaultState = FaultSpec & { left: number };

/** Where a run-create event stream is cut (an explicit cutStream fault or chaos); onCut runs when it is. */
type StreamCut = { afterEvents: number; onCut?: () => void };

type Reply =
	| { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
	| {
			kind: 'stream';
			runId: string;
			start: (res: http.ServerResponse, cut: StreamCut | null) => void;
	  };

interface ParsedBody {
	kind: RequestFacts['bodyKind'];
	value?: unknown;
	/** Multipart: fields and the file part. */
	multipart?: {
		fields: Record<string, string>;
		file?: {
			field: string;
			filename?: string;
			contentType?: string;
			size: number;
			sha256: string;
			data: Buffer | null;
		};
		error?: string;
	};
	tooLarge?: boolean;
}

// ------------------------------------------------------------------ the simulator
export class Simulator implements FloraSimulator {
	baseUrl = '';
	mediaOrigin = '';
	readonly requests: RecordedRequest[] = [];
	readonly webhookDeliveries: WebhookDeliveryRecord[] = [];
	readonly contractViolations: string[] = [];
	readonly uploads: UploadRecord[] = [];
	readonly mediaRequests: MediaRequestRecord[] = [];
	readonly chaosLog: ChaosLogEntry[] = [];

	readonly contract: Contract;
	private readonly api: http.Server;
	private readonly media: http.Server;
	private readonly sockets = new Set<Socket>();
	private readonly clock: SimClock;
	private readonly scheduler: Scheduler;
	private readonly runs = new Map<string, RunState>();
	private readonly assets = new Map<string, AssetState>();
	private readonly idempotency = new Map<string, { hash: string; simAt: number }>();
	private faults: FaultState[] = [];
	private chaos: Chaos | null = null;
	private readonly hookAgents = {
		http: new http.Agent({ keepAlive: true, maxSockets: WEBHOOK_MAX_SOCKETS, timeout: 4000 }),
		https: new https.Agent({ keepAlive: true, maxSockets: WEBHOOK_MAX_SOCKETS, timeout: 4000 }),
	};
	private readonly durations = new Map<string, number>();
	private readonly scripts = new Map<string, RunScript[]>();
	private readonly outputBytes = new Map<string, number>();
	private readonly streams = new Set<NodeJS.Timeout>();
	private readonly apiKeys: Set<string>;
	private readonly tmpDir: string;
	private readonly uploadSecret = randomBytes(16).toString('hex');
	private seq = 0;
	private tmpSeq = 0;
	/** Bumped by reset(): work started before a reset (in-flight webhook attempts) is dropped. */
	private epoch = 0;

	private timeScale: number;
	private streamFormat: StreamFormat;
	private balance: number;
	private allowInsecure: boolean;
	private readonly webhookSecret: string;

	constructor(private readonly options: SimulatorOptions = {}) {
		this.contract = new Contract();
		this.timeScale = options.timeScale ?? 1;
		this.streamFormat = options.streamFormat ?? 'event-stream';
		this.balance = options.credits ?? 1000;
		this.allowInsecure = options.allowInsecureCallbacks ?? false;
		this.webhookSecret = options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET;
		this.apiKeys = new Set([DEFAULT_API_KEY, ...(options.apiKeys ?? [])]);
		this.clock = new SimClock(this.timeScale);
		this.scheduler = new Scheduler(this.clock);
		this.tmpDir = mkdtempSync(path.join(tmpdir(), 'flora-sim-'));
		this.api = http.createServer((req, res) => {
			this.handleApi(req, res).catch((e) => this.internalFailure(res, e));
		});
		this.media = http.createServer((req, res) => {
			this.handleMedia(req, res).catch((e) => {
				if (!res.headersSent) {
					res.writeHead(500, { 'content-type': 'text/plain' });
					res.end(String(e?.message ?? e));
				} else res.destroy();
			});
		});
		for (const s of [this.api, this.media]) {
			s.on('connection', (sock: Socket) => {
				this.sockets.add(sock);
				sock.on('close', () => this.sockets.delete(sock));
			});
			s.keepAliveTimeout = 5000;
		}
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
		this.scheduler.clear();
		for (const t of this.streams) clearInterval(t);
		this.streams.clear();
		const closing = [this.api, this.media].map(
			(s) => new Promise<void>((resolve) => s.close(() => resolve())),
		);
		for (const sock of this.sockets) sock.destroy();
		this.hookAgents.http.destroy();
		this.hookAgents.https.destroy();
		await Promise.all(closing);
		rmSync(this.tmpDir, { recursive: true, force: true });
	}

	reset(): void {
		this.epoch++;
		this.scheduler.clear();
		for (const t of this.streams) clearInterval(t);
		this.streams.clear();
		this.runs.clear();
		for (const a of this.assets.values()) if (a.filePath) rmSync(a.filePath, { force: true });
		this.assets.clear();
		this.idempotency.clear();
		this.faults = [];
		this.chaos = null;
		this.chaosLog.length = 0;
		this.durations.clear();
		this.scripts.clear();
		this.outputBytes.clear();
		this.requests.length = 0;
		this.webhookDeliveries.length = 0;
		this.contractViolations.length = 0;
		this.uploads.length = 0;
		this.mediaRequests.length = 0;
		this.seq = 0;
		this.timeScale = this.options.timeScale ?? 1;
		this.clock.setScale(this.timeScale);
		this.streamFormat = this.options.streamFormat ?? 'event-stream';
		this.balance = this.options.credits ?? 1000;
		this.allowInsecure = this.options.allowInsecureCallbacks ?? false;
	}

	// -------------------------------------------------------------- control surface (in-process)
	injectFault(fault: FaultSpec): void {
		if (
			!['status', 'drop', 'dropAfterHandling', 'delay', 'cutStream'].includes(
				(fault as { kind: string }).kind,
			)
		) {
			throw new Error(`injectFault: unknown kind "${(fault as { kind: string }).kind}"`);
		}
		if (
			fault.kind === 'status' &&
			(typeof fault.status !== 'number' || typeof fault.code !== 'string')
		) {
			throw new Error('injectFault: a status fault needs a numeric status and a code');
		}
		if (
			fault.route !== undefined &&
			fault.route !== MEDIA_ROUTE &&
			!this.contract.operation(fault.route)
		) {
			throw new Error(
				`injectFault: unknown route "${fault.route}" (use 'METHOD /path/template' from the spec)`,
			);
		}
		this.faults.push({ ...fault, left: fault.times ?? 1 } as FaultState);
	}

	setChaos(spec: ChaosSpec | null): void {
		this.chaos =
			spec === null
				? null
				: new Chaos(spec, (r) => r === MEDIA_ROUTE || Boolean(this.contract.operation(r)));
	}

	private techniqueOrThrow(idOrSlug: string): CatalogueTechnique {
		const t = findTechnique(idOrSlug);
		if (!t) throw new Error(`unknown technique "${idOrSlug}"`);
		return t;
	}

	setRunDuration(technique: string, seconds: number): void {
		this.durations.set(this.techniqueOrThrow(technique).technique_id, seconds);
	}

	scriptNextRun(technique: string, script: RunScript): void {
		const id = this.techniqueOrThrow(technique).technique_id;
		const q = this.scripts.get(id) ?? [];
		q.push({ ...script });
		this.scripts.set(id, q);
	}

	setOutputBytes(technique: string, bytes: number | null): void {
		const id = this.techniqueOrThrow(technique).technique_id;
		if (bytes === null) this.outputBytes.delete(id);
		else this.outputBytes.set(id, bytes);
	}

	setCredits(usd: number): void {
		this.balance = usd;
	}

	get credits(): number {
		return Math.round(this.balance * 1e6) / 1e6;
	}

	setStreamFormat(f: StreamFormat): void {
		this.streamFormat = f;
	}

	setTimeScale(n: number): void {
		if (!(n > 0)) throw new Error('timeScale must be > 0');
		this.timeScale = n;
		this.clock.setScale(n);
		this.scheduler.rearmAll();
	}

	setAllowInsecureCallbacks(allow: boolean): void {
		this.allowInsecure = allow;
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
		for (const r of this.runs.values()) {
			if (id !== undefined && r.technique_id !== id) continue;
			if (filter.idempotencyKey !== undefined && r.idempotencyKey !== filter.idempotencyKey)
				continue;
			n++;
		}
		return n;
	}

	getRun(runId: string): RunRecord | undefined {
		const r = this.runs.get(runId);
		if (!r) return undefined;
		this.advance(r);
		// eslint-disable-next-line @typescript-eslint/no-unused-vars
		const { task, technique, ...record } = r;
		return {
			...record,
			inputs: record.inputs.map((i) => ({ ...i })),
			outputs: record.outputs?.map((o) => ({ ...o })),
		};
	}

	/** All run records, oldest first. */
	listRuns(): RunRecord[] {
		return [...this.runs.keys()].map((id) => this.getRun(id) as RunRecord);
	}

	state(): Record<string, unknown> {
		const byRoute: Record<string, number> = {};
		for (const r of this.requests) {
			const k = r.route ?? 'unmatched';
			byRoute[k] = (byRoute[k] ?? 0) + 1;
		}
		return {
			baseUrl: this.baseUrl,
			mediaOrigin: this.mediaOrigin,
			timeScale: this.timeScale,
			streamFormat: this.streamFormat,
			credits: this.credits,
			allowInsecureCallbacks: this.allowInsecure,
			counters: {
				requests: this.requests.length,
				byRoute,
				runsCreated: this.runs.size,
				webhookDeliveries: this.webhookDeliveries.length,
				uploads: this.uploads.length,
				mediaRequests: this.mediaRequests.length,
				mediaRequestsWithAuthorization: this.mediaRequests.filter((m) => m.hadAuthorization).length,
			},
			pendingFaults: this.faults.filter((f) => f.left > 0),
			chaos: this.chaos?.spec ?? null,
			chaosLog: this.chaosLog,
			runs: this.listRuns(),
			webhookDeliveries: this.webhookDeliveries,
			contractViolations: this.contractViolations,
			uploads: this.uploads,
		};
	}

	// -------------------------------------------------------------- HTTP plumbing
	private send(
		res: http.ServerResponse,
		status: number,
		body: unknown,
		headers: Record<string, string> = {},
	): void {
		if (res.headersSent || res.destroyed) return;
		const text = JSON.stringify(body);
		res.writeHead(status, {
			'content-type': 'application/json; charset=utf-8',
			'content-length': String(Buffer.byteLength(text)),
			...headers,
		});
		res.end(text);
	}

	private internalFailure(res: http.ServerResponse, e: unknown): void {
		// A bug in the simulator: answer like FLORA's generic 500.
		console.error('[flora-simulator] handler failed:', e);
		this.send(res, 500, errorBody('unknown_error', 'An unknown error occurred.'));
	}

	private readRaw(
		req: http.IncomingMessage,
		limit: number,
	): Promise<{ buf: Buffer; tooLarge: boolean }> {
		return new Promise((resolve, reject) => {
			const parts: Buffer[] = [];
			let size = 0;
			let tooLarge = false;
			req.on('data', (c: Buffer) => {
				size += c.length;
				if (size > limit) tooLarge = true;
				else parts.push(c);
			});
			req.on('end', () => resolve({ buf: Buffer.concat(parts), tooLarge }));
			req.on('error', reject);
			req.on('aborted', () => resolve({ buf: Buffer.concat(parts), tooLarge }));
		});
	}

	private async readBody(req: http.IncomingMessage, routeKey: string | null): Promise<ParsedBody> {
		const ct = (req.headers['content-type'] ?? '').toLowerCase();
		const boundary = boundaryOf(req.headers['content-type']);
		if (boundary && routeKey === 'POST /assets') return this.readDirectUpload(req, boundary);
		const { buf, tooLarge } = await this.readRaw(req, JSON_BODY_LIMIT);
		if (tooLarge) return { kind: 'other', tooLarge: true };
		if (buf.length === 0) return { kind: 'none' };
		const text = buf.toString('utf8');
		if (ct === '' || /^application\/([\w.+-]*\+)?json\b/.test(ct)) {
			try {
				return { kind: 'json', value: JSON.parse(text) };
			} catch {
				return { kind: 'invalid-json', value: text.slice(0, 2000) };
			}
		}
		return { kind: 'other', value: text.slice(0, 2000) };
	}

	/** Multipart POST /assets: fields in memory, the file part hashed as it streams (kept only up to 4 MB). */
	private readDirectUpload(req: http.IncomingMessage, boundary: string): Promise<ParsedBody> {
		const fields: Record<string, string> = {};
		let file: NonNullable<ParsedBody['multipart']>['file'];
		let cur: {
			name: string;
			filename?: string;
			contentType?: string;
			chunks: Buffer[];
			size: number;
			hash: ReturnType<typeof createHash>;
		} | null = null;
		const parser = new MultipartParser(boundary, {
			onPartStart: (p) => {
				cur = {
					name: p.name,
					filename: p.filename,
					contentType: p.contentType,
					chunks: [],
					size: 0,
					hash: createHash('sha256'),
				};
			},
			onPartData: (d) => {
				if (!cur) return;
				cur.size += d.length;
				cur.hash.update(d);
				if (cur.size <= DIRECT_UPLOAD_MAX_BYTES + 1) cur.chunks.push(Buffer.from(d));
			},
			onPartEnd: () => {
				const c = cur;
				cur = null;
				if (!c) return;
				if (c.filename !== undefined || c.name === 'file') {
					if (!file)
						file = {
							field: c.name,
							filename: c.filename,
							contentType: c.contentType,
							size: c.size,
							sha256: c.hash.digest('hex'),
							data: c.size <= DIRECT_UPLOAD_MAX_BYTES ? Buffer.concat(c.chunks) : null,
						};
				} else fields[c.name] = Buffer.concat(c.chunks).toString('utf8');
			},
		});
		return new Promise((resolve) => {
			const done = () =>
				resolve({
					kind: 'multipart',
					multipart: { fields, file, error: parser.error ?? undefined },
					value: {
						fields,
						files: file
							? [
									{
										field: file.field,
										filename: file.filename,
										contentType: file.contentType,
										size: file.size,
									},
								]
							: [],
					},
				});
			parser.on('finish', done);
			parser.on('error', done);
			req.on('aborted', done);
			req.pipe(parser);
		});
	}

	private takeFault(routeKey: string | null, pred: (f: FaultState) => boolean): FaultState | null {
		for (const f of this.faults) {
			if (f.left <= 0) continue;
			if (f.route !== undefined && f.route !== routeKey) continue;
			if (!pred(f)) continue;
			f.left--;
			return f;
		}
		return null;
	}

	private async handleApi(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const requestId = rid('req_');
		res.setHeader('request-id', requestId);
		const url = new URL(req.url ?? '/', 'http://simulator.local');
		const method = (req.method ?? 'GET').toUpperCase();

		if (url.pathname === '/_simulator' || url.pathname.startsWith('/_simulator/')) {
			return this.handleControl(req, res, url, method);
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

		// Faults that act before handling. Chaos draws on arrival (so in arrival order); an
		// explicit fault for this request takes precedence over it.
		const fault = this.takeFault(routeKey, (f) => f.kind !== 'cutStream');
		const chaos = this.chaos;
		const draw = chaos?.draw(routeKey) ?? null;
		if (fault?.kind === 'drop') {
			req.socket.destroy();
			return;
		}

		const body = await this.readBody(req, routeKey);
		if (body.kind !== 'none') record.body = body.value;

		if (fault?.kind === 'status') {
			this.send(
				res,
				fault.status,
				errorBody(fault.code, fault.message ?? defaultMessage(fault.code), fault.fields),
				fault.headers ?? {},
			);
			return;
		}
		const hit: ChaosHit | null =
			fault || !chaos
				? null
				: chaos.pick(draw, 'api', {
						stream:
							routeKey === CREATE_RUN &&
							this.streamFormat === 'event-stream' &&
							(body.value as { mode?: unknown } | undefined)?.mode === 'stream',
					});
		if (hit?.kind === 'drop') {
			recordChaos(this.chaosLog, record, routeKey, hit.kind);
			req.socket.destroy();
			return;
		}
		if (hit && 'status' in hit) {
			recordChaos(this.chaosLog, record, routeKey, hit.kind);
			this.send(res, hit.status, errorBody(hit.code, hit.message), hit.headers);
			return;
		}

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
			reply = this.dispatch(method, routeKey, params, query, req, body);
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

		if (fault?.kind === 'dropAfterHandling') {
			req.socket.destroy();
			return;
		}
		// The run a run create made, for the chaos log.
		const runId =
			reply.kind === 'stream'
				? reply.runId
				: routeKey === CREATE_RUN && reply.status < 300
					? (reply.body as { run_id?: string }).run_id
					: undefined;
		if (hit?.kind === 'dropAfterHandling') {
			recordChaos(this.chaosLog, record, routeKey, hit.kind, runId);
			req.socket.destroy();
			return;
		}
		if (fault?.kind === 'delay') await sleep(fault.ms);
		if (hit?.kind === 'slow') {
			recordChaos(this.chaosLog, record, routeKey, hit.kind, runId);
			await sleep(hit.ms);
		}
		if (res.destroyed) return;
		if (reply.kind === 'json') this.send(res, reply.status, reply.body, reply.headers);
		else {
			const explicit = this.takeFault(routeKey, (f) => f.kind === 'cutStream');
			let cut: StreamCut | null =
				explicit?.kind === 'cutStream' ? { afterEvents: explicit.afterEvents } : null;
			if (!cut && hit?.kind === 'cutStream')
				cut = {
					afterEvents: hit.afterEvents,
					onCut: () => recordChaos(this.chaosLog, record, routeKey, 'cutStream', runId),
				};
			reply.start(res, cut);
		}
	}

	private authenticate(req: http.IncomingMessage): { key: string; role: 'owner' | 'viewer' } {
		const h = firstHeader(req.headers['authorization']);
		const m = h ? /^Bearer\s+(\S+)\s*$/i.exec(h) : null;
		if (!m)
			throw new ApiError(
				401,
				'unauthorized',
				'Missing or malformed Authorization header. Use "Authorization: Bearer <api key>".',
			);
		const key = m[1];
		if (key === VIEWER_API_KEY) return { key, role: 'viewer' };
		if (this.apiKeys.has(key)) return { key, role: 'owner' };
		throw new ApiError(401, 'invalid_api_key', 'The API key is invalid or has been revoked.');
	}

	private dispatch(
		method: string,
		routeKey: string | null,
		params: Record<string, string>,
		query: Record<string, string>,
		req: http.IncomingMessage,
		body: ParsedBody,
	): Reply {
		const auth = this.authenticate(req);
		if (!routeKey)
			throw new ApiError(
				404,
				'not_found',
				`No route ${method} ${new URL(req.url ?? '/', 'http://x').pathname}.`,
			);
		if (method === 'POST' && auth.role === 'viewer') {
			throw new ApiError(
				403,
				'forbidden',
				'This API key has the viewer role and cannot make changes in this workspace.',
			);
		}
		switch (routeKey) {
			case 'GET /techniques':
				return json(200, this.listTechniques(query));
			case 'GET /techniques/{techniqueId}':
				return json(200, publicTechnique(this.technique(params.techniqueId)));
			case 'POST /techniques/{techniqueId}/runs':
				return this.createRun(params.techniqueId, req, body, auth.key);
			case 'GET /techniques/{techniqueId}/runs/{runId}':
				return json(200, this.runJson(this.runUnder(params.techniqueId, params.runId)));
			case 'GET /runs/{runId}':
				return json(200, this.runJson(this.runById(params.runId)));
			case 'GET /technique-runs':
				return json(200, this.listRuns_(query));
			case 'GET /workspaces':
				return json(200, {
					workspaces:
						auth.role === 'viewer'
							? [{ ...WORKSPACES[0], role: 'viewer' }]
							: WORKSPACES.map((w) => ({ ...w })),
				});
			case 'POST /assets':
				return this.createAsset(req, body);
			case 'GET /assets/{assetId}':
				return json(200, this.assetJson(this.asset(params.assetId)));
			case 'POST /assets/{assetId}/complete':
				return this.completeAsset(params.assetId, req);
		}
		throw new ApiError(404, 'not_found', 'Not found.');
	}

	// -------------------------------------------------------------- techniques
	private technique(idOrSlug: string): CatalogueTechnique {
		const t = findTechnique(idOrSlug);
		if (!t) throw new ApiError(404, 'not_found', `Technique "${idOrSlug}" was not found.`);
		return t;
	}

	private parseLimit(query: Record<string, string>): number {
		if (query.limit === undefined) return 20;
		const n = Number(query.limit);
		if (!/^\d+$/.test(query.limit) || n < 1 || n > 100) {
			throw validationError([{ field: 'limit', message: 'must be an integer between 1 and 100' }]);
		}
		return n;
	}

	private checkWorkspace(id: string | undefined, field = 'workspace_id'): void {
		if (id === undefined) return;
		if (!/^ws_\S+$/.test(id))
			throw validationError([{ field, message: 'must be a workspace id (ws_…)' }]);
		if (!WORKSPACES.some((w) => w.workspace_id === id))
			throw new ApiError(404, 'not_found', `Workspace "${id}" was not found.`);
	}

	private listTechniques(query: Record<string, string>) {
		const limit = this.parseLimit(query);
		this.checkWorkspace(query.workspace_id);
		const q = query.query ?? '';
		let offset = 0;
		if (query.cursor !== undefined) {
			const c = unb64url(query.cursor) as { k?: string; o?: number; q?: string } | null;
			if (!c || c.k !== 't' || typeof c.o !== 'number' || c.q !== q) {
				throw validationError([
					{ field: 'cursor', message: 'is not a valid cursor for this query' },
				]);
			}
			offset = c.o;
		}
		const all = searchTechniques(q);
		const page = all.slice(offset, offset + limit);
		const next =
			offset + limit < all.length ? b64url(JSON.stringify({ k: 't', o: offset + limit, q })) : null;
		return {
			techniques: page.map(publicTechnique),
			meta: { next_cursor: next, total_estimate: all.length },
		};
	}

	// -------------------------------------------------------------- runs
	private runUnder(techIdOrSlug: string, runId: string): RunState {
		const t = this.technique(techIdOrSlug);
		const r = this.runs.get(runId);
		if (!r || r.technique_id !== t.technique_id)
			throw new ApiError(404, 'not_found', `Run "${runId}" was not found.`);
		this.advance(r);
		return r;
	}

	/** GET /runs/{runId}: any run, by id alone. */
	private runById(runId: string): RunState {
		if (!/^run_\S+$/.test(runId))
			throw validationError([{ field: 'runId', message: 'must be a run id (run_…)' }]);
		const r = this.runs.get(runId);
		if (!r) throw new ApiError(404, 'not_found', `Run "${runId}" was not found.`);
		this.advance(r);
		return r;
	}

	private validateRunBody(t: CatalogueTechnique, body: ParsedBody, headerKey: string | undefined) {
		if (body.kind !== 'json') {
			throw new ApiError(
				400,
				'invalid_json',
				body.tooLarge ? 'The request body is too large.' : 'The request body is not valid JSON.',
			);
		}
		const b = body.value as Record<string, unknown>;
		const fields: Array<{ field: string; message: string }> = [];
		if (!b || typeof b !== 'object' || Array.isArray(b)) {
			throw validationError([{ field: 'body', message: 'must be a JSON object' }]);
		}
		for (const k of Object.keys(b)) {
			if (!['inputs', 'mode', 'callback_url', 'idempotency_key'].includes(k))
				fields.push({ field: k, message: 'is not allowed' });
		}
		const inputs: Array<{ id: string; type: string; value: string }> = [];
		if (b.inputs === undefined) fields.push({ field: 'inputs', message: 'is required' });
		else if (!Array.isArray(b.inputs))
			fields.push({ field: 'inputs', message: 'must be an array' });
		else if (b.inputs.length === 0)
			fields.push({ field: 'inputs', message: 'must contain at least one input' });
		else {
			const seen = new Set<string>();
			b.inputs.forEach((raw: unknown, i: number) => {
				const p = `inputs[${i}]`;
				if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
					fields.push({ field: p, message: 'must be an object with id, type and value' });
					return;
				}
				const inp = raw as Record<string, unknown>;
				for (const k of Object.keys(inp))
					if (!['id', 'type', 'value'].includes(k))
						fields.push({ field: `${p}.${k}`, message: 'is not allowed' });
				let slot: CatalogueTechnique['inputs'][number] | undefined;
				if (typeof inp.id !== 'string' || inp.id === '')
					fields.push({ field: `${p}.id`, message: 'is required and must be a string' });
				else {
					slot = t.inputs.find((s) => s.id === inp.id);
					if (!slot)
						fields.push({
							field: `${p}.id`,
							message: `unknown input "${inp.id}" for technique ${t.technique_id}; expected one of ${t.inputs.map((s) => s.id).join(', ')}`,
						});
					else if (seen.has(slot.id))
						fields.push({
							field: `${p}.id`,
							message: `input "${slot.id}" is given more than once`,
						});
					else seen.add(slot.id);
				}
				let typeOk = false;
				if (typeof inp.type !== 'string' || !['text', 'imageUrl', 'videoUrl'].includes(inp.type)) {
					fields.push({ field: `${p}.type`, message: 'must be one of text, imageUrl, videoUrl' });
				} else if (slot && slot.type !== inp.type) {
					fields.push({
						field: `${p}.type`,
						message: `input "${slot.id}" takes ${slot.type}, not ${inp.type}`,
					});
				} else typeOk = true;
				if (typeof inp.value !== 'string')
					fields.push({ field: `${p}.value`, message: 'is required and must be a string' });
				else if (inp.value.trim() === '')
					fields.push({ field: `${p}.value`, message: 'must not be empty' });
				else if (
					typeOk &&
					(inp.type === 'imageUrl' || inp.type === 'videoUrl') &&
					!isHttpUrl(inp.value)
				) {
					fields.push({ field: `${p}.value`, message: 'must be an http(s) URL' });
				}
				if (
					typeof inp.id === 'string' &&
					typeof inp.type === 'string' &&
					typeof inp.value === 'string'
				) {
					inputs.push({ id: inp.id, type: inp.type, value: inp.value });
				}
			});
			if (Array.isArray(b.inputs)) {
				for (const s of t.inputs) {
					if (!s.optional && !seen.has(s.id))
						fields.push({
							field: 'inputs',
							message: `missing required input "${s.id}" (${s.type})`,
						});
				}
			}
		}
		if (b.mode === undefined) fields.push({ field: 'mode', message: 'is required' });
		else if (b.mode !== 'async' && b.mode !== 'stream')
			fields.push({ field: 'mode', message: 'must be "async" or "stream"' });
		if (b.callback_url !== undefined) {
			const u = typeof b.callback_url === 'string' ? isHttpUrl(b.callback_url) : null;
			if (!u) fields.push({ field: 'callback_url', message: 'must be an https URL' });
			else {
				const loopbackOk = this.allowInsecure && isLoopbackHost(u.hostname);
				if (!loopbackOk && u.protocol !== 'https:')
					fields.push({ field: 'callback_url', message: 'must use https' });
				else if (!loopbackOk && isPrivateHost(u.hostname))
					fields.push({
						field: 'callback_url',
						message: 'must not point to a private or internal host',
					});
			}
		}
		if (
			b.idempotency_key !== undefined &&
			(typeof b.idempotency_key !== 'string' || b.idempotency_key === '')
		) {
			fields.push({ field: 'idempotency_key', message: 'must be a non-empty string' });
		}
		if (
			headerKey !== undefined &&
			typeof b.idempotency_key === 'string' &&
			b.idempotency_key !== headerKey
		) {
			fields.push({ field: 'idempotency_key', message: 'differs from the Idempotency-Key header' });
		}
		if (fields.length) throw validationError(fields);
		return {
			inputs,
			mode: b.mode as 'async' | 'stream',
			callbackUrl: b.callback_url as string | undefined,
			idempotencyKey: headerKey ?? (b.idempotency_key as string | undefined),
		};
	}

	/** 409 on an exact replay within two hours, 422 when the same key comes with another body. */
	private checkIdempotency(
		scope: string,
		key: string | undefined,
		hashInput: unknown,
	): (() => void) | null {
		if (key === undefined) return null;
		const now = this.clock.now();
		const id = `${scope}\u0000${key}`;
		const hash = createHash('sha256').update(stableStringify(hashInput)).digest('hex');
		const prev = this.idempotency.get(id);
		if (prev && now - prev.simAt < IDEMPOTENCY_TTL_SIM_MS) {
			if (prev.hash === hash) {
				throw new ApiError(
					409,
					'idempotency_duplicate',
					`Idempotency key "${key}" was already used within the last two hours.`,
				);
			}
			throw new ApiError(
				422,
				'idempotency_conflict',
				`Idempotency key "${key}" was already used with a different request body.`,
			);
		}
		return () => this.idempotency.set(id, { hash, simAt: now });
	}

	private createRun(
		techIdOrSlug: string,
		req: http.IncomingMessage,
		body: ParsedBody,
		apiKey: string,
	): Reply {
		if (body.kind !== 'json') {
			throw new ApiError(
				400,
				'invalid_json',
				body.tooLarge ? 'The request body is too large.' : 'The request body is not valid JSON.',
			);
		}
		const t = this.technique(techIdOrSlug);
		if (t.archived)
			throw new ApiError(
				403,
				'forbidden',
				`Technique "${t.technique_id}" is archived and can no longer be run.`,
			);
		const headerKey = firstHeader(req.headers['idempotency-key']);
		const v = this.validateRunBody(t, body, headerKey);
		const b = { ...(body.value as Record<string, unknown>) };
		delete b.idempotency_key;
		const remember = this.checkIdempotency(`run:${apiKey}`, v.idempotencyKey, {
			technique: t.technique_id,
			body: b,
		});
		if (this.balance < t.run_cost) {
			throw new ApiError(
				402,
				'insufficient_credits',
				`This run costs $${t.run_cost.toFixed(2)} but the workspace balance is $${Math.max(0, this.balance).toFixed(2)}.`,
			);
		}
		remember?.();
		const run = this.startRun(t, v, apiKey);
		if (v.mode === 'stream' && this.streamFormat === 'event-stream') {
			return {
				kind: 'stream',
				runId: run.run_id,
				start: (res, cut) => this.streamRun(run, res, cut),
			};
		}
		return json(201, this.runJson(run));
	}

	private startRun(
		t: CatalogueTechnique,
		v: {
			inputs: RunRecord['inputs'];
			mode: 'async' | 'stream';
			callbackUrl?: string;
			idempotencyKey?: string;
		},
		apiKey: string,
	): RunState {
		const script = this.scripts.get(t.technique_id)?.shift();
		const texts = v.inputs.filter((i) => i.type === 'text').map((i) => i.value);
		const failToken = texts.map((s) => /#fail:([a-z_]+)/.exec(s)?.[1]).find(Boolean);
		const durToken = texts.map((s) => /#duration:(\d+(?:\.\d+)?)/.exec(s)?.[1]).find(Boolean);
		const unreachable = v.inputs.find(
			(i) =>
				(i.type === 'imageUrl' || i.type === 'videoUrl') &&
				isHttpUrl(i.value)?.hostname === 'unreachable.invalid',
		);

		let outcome: 'completed' | 'failed' = 'completed';
		let errorCode: string | undefined;
		let errorMessage: string | undefined;
		if (script) {
			outcome = script.outcome;
			if (outcome === 'failed') {
				errorCode = script.errorCode ?? 'provider_error';
				errorMessage =
					script.errorMessage ?? ERROR_MESSAGES[errorCode] ?? `The run failed (${errorCode}).`;
			}
		} else if (failToken) {
			outcome = 'failed';
			errorCode = failToken;
			errorMessage = ERROR_MESSAGES[failToken] ?? `The run failed (${failToken}).`;
		} else if (unreachable) {
			outcome = 'failed';
			errorCode = 'input_unreachable';
			errorMessage = `Input "${unreachable.id}" could not be fetched from ${unreachable.value}.`;
		}
		let duration =
			script?.durationSeconds ??
			(durToken !== undefined ? Number(durToken) : undefined) ??
			this.durations.get(t.technique_id) ??
			t.durationSeconds;
		if (errorCode === 'input_unreachable' && !script && durToken === undefined)
			duration = Math.min(duration, 2);

		const simNow = this.clock.now();
		const run: RunState = {
			run_id: rid('run_'),
			technique_id: t.technique_id,
			technique_name: t.name,
			workspace_id: DEFAULT_WORKSPACE_ID,
			project_id: DEFAULT_PROJECT_ID,
			mode: v.mode,
			inputs: v.inputs,
			callbackUrl: v.callbackUrl,
			idempotencyKey: v.idempotencyKey,
			apiKey,
			status: 'pending',
			outcome,
			errorCode,
			errorMessage,
			durationSeconds: duration,
			outputBytes: script?.outputBytes ?? this.outputBytes.get(t.technique_id),
			createdAt: Date.now(),
			simCreated: simNow,
			simStart: simNow + PENDING_SIM_MS,
			simEnd: simNow + PENDING_SIM_MS + duration * 1000,
			seq: ++this.seq,
			technique: t,
		};
		this.runs.set(run.run_id, run);
		this.armRun(run);
		return run;
	}

	private armRun(run: RunState): void {
		this.scheduler.cancel(run.task);
		run.task = undefined;
		if (run.status === 'pending')
			run.task = this.scheduler.at(run.simStart, () => this.advance(run));
		else if (run.status === 'running')
			run.task = this.scheduler.at(run.simEnd, () => this.advance(run));
	}

	/** Apply every transition that is due by the simulated clock. */
	private advance(run: RunState): void {
		const now = this.clock.now();
		let changed = false;
		// Transitions are stamped at their nominal instant (not when a timer or a read noticed them).
		const stamp = (sim: number, notBefore: number) =>
			Math.min(Date.now(), Math.max(notBefore, this.clock.toReal(sim)));
		if (run.status === 'pending' && now >= run.simStart) {
			run.status = 'running';
			run.startedAt = stamp(run.simStart, run.createdAt);
			changed = true;
		}
		if (run.status === 'running' && now >= run.simEnd) {
			run.endedAt = stamp(run.simEnd, run.startedAt ?? run.createdAt);
			if (run.outcome === 'completed') {
				run.status = 'completed';
				run.chargedCost = run.technique.run_cost;
				this.balance -= run.technique.run_cost;
				run.outputs = this.makeOutputs(run);
			} else {
				run.status = 'failed';
				run.chargedCost = 0;
			}
			changed = true;
			if (run.callbackUrl) this.queueWebhook(run);
		}
		if (changed) this.armRun(run);
	}

	private progress(run: RunState): number {
		switch (run.status) {
			case 'pending':
				return 0;
			case 'completed':
				return 1;
			case 'running':
			case 'failed': {
				const span = run.simEnd - run.simStart;
				const at = run.status === 'failed' ? run.simEnd : this.clock.now();
				const f = span <= 0 ? 0.99 : (at - run.simStart) / span;
				return Math.min(0.99, Math.max(0, Math.floor(f * 100) / 100));
			}
		}
	}

	private runJson(run: RunState): Record<string, unknown> {
		const out: Record<string, unknown> = {
			run_id: run.run_id,
			status: run.status,
			progress: this.progress(run),
			created_at: run.createdAt,
		};
		if (run.startedAt !== undefined) out.started_at = run.startedAt;
		if (run.endedAt !== undefined) out.completed_at = run.endedAt;
		if (run.chargedCost !== undefined) out.charged_cost = run.chargedCost;
		if (run.status === 'failed') {
			out.error_code = run.errorCode;
			out.error_message = run.errorMessage;
		}
		if (run.status === 'completed' && run.outputs) {
			out.outputs = run.outputs.map((o) => ({ output_id: o.output_id, type: o.type, url: o.url }));
		}
		out.poll_url = `${this.baseUrl}/techniques/${run.technique_id}/runs/${run.run_id}`;
		return out;
	}

	private techniqueRunJson(run: RunState): Record<string, unknown> {
		return {
			...this.runJson(run),
			technique: { technique_id: run.technique_id, name: run.technique_name },
			workspace_id: run.workspace_id,
			project_id: run.project_id,
			technique_run_id: run.run_id,
		};
	}

	private listRuns_(query: Record<string, string>) {
		if (query.project_id !== undefined && !/^prj_[A-Za-z0-9_]+$/.test(query.project_id)) {
			// Documented quirk of the live API: a malformed project id is a 500, not a 400.
			throw new ApiError(500, 'unknown_error', 'An unknown error occurred.');
		}
		const limit = this.parseLimit(query);
		this.checkWorkspace(query.workspace_id);
		if (
			query.status !== undefined &&
			!['pending', 'running', 'completed', 'failed'].includes(query.status)
		) {
			throw validationError([
				{ field: 'status', message: 'must be one of pending, running, completed, failed' },
			]);
		}
		let before = Infinity;
		if (query.cursor !== undefined) {
			const c = unb64url(query.cursor) as { k?: string; s?: number } | null;
			if (!c || c.k !== 'r' || typeof c.s !== 'number')
				throw validationError([{ field: 'cursor', message: 'is not a valid cursor' }]);
			before = c.s;
		}
		const techFilter =
			query.technique_id !== undefined
				? (findTechnique(query.technique_id)?.technique_id ?? query.technique_id)
				: undefined;
		const all = [...this.runs.values()]
			.map((r) => {
				this.advance(r);
				return r;
			})
			.filter(
				(r) =>
					(query.workspace_id === undefined || r.workspace_id === query.workspace_id) &&
					(query.project_id === undefined || r.project_id === query.project_id) &&
					(techFilter === undefined || r.technique_id === techFilter) &&
					(query.status === undefined || r.status === query.status),
			)
			.sort((a, b) => b.seq - a.seq);
		const remaining = all.filter((r) => r.seq < before);
		const page = remaining.slice(0, limit);
		const next =
			remaining.length > limit
				? b64url(JSON.stringify({ k: 'r', s: page[page.length - 1].seq }))
				: null;
		return {
			technique_runs: page.map((r) => this.techniqueRunJson(r)),
			meta: { next_cursor: next, total_estimate: all.length },
		};
	}

	private makeOutputs(run: RunState): RunOutputRecord[] {
		const t = run.technique;
		const texts = run.inputs.filter((i) => i.type === 'text').map((i) => stripTokens(i.value));
		const firstText = texts[0] ?? '';
		return t.outputs.map((slot, i) => {
			const output_id = `out_${run.run_id.slice(4, 16)}_${i + 1}`;
			if (slot.type === 'text') {
				return {
					output_id,
					type: slot.type,
					slotId: slot.id,
					url: this.textOutput(run, firstText),
				};
			}
			const ext = MEDIA_TYPES[slot.type as MediaSlotType].extension;
			return {
				output_id,
				type: slot.type,
				slotId: slot.id,
				url: `${this.mediaOrigin}/media/${run.run_id}/${output_id}.${ext}`,
				durationSeconds: slot.specified_duration,
				lines: [
					`${t.name} - ${slot.name}`,
					`Run ${run.run_id}`,
					...run.inputs.map((inp) => `${inp.id}: ${stripTokens(inp.value)}`),
					slot.type === 'documentUrl' ? this.textOutput(run, firstText) : '',
				].filter(Boolean),
			};
		});
	}

	private textOutput(run: RunState, firstText: string): string {
		if (run.technique_id === 'tech_art_directors_critique') {
			const art = run.inputs.find((i) => i.id === 'artwork')?.value ?? '';
			const rawBrief = run.inputs.find((i) => i.id === 'brief')?.value;
			const brief = rawBrief === undefined ? undefined : stripTokens(rawBrief);
			return (
				`Critique of ${art}: the composition has a clear focal point and a confident silhouette; ` +
				`tighten the type hierarchy and warm the shadows.` +
				(brief ? ` Against the brief "${brief}": on target, but push the contrast further.` : '')
			);
		}
		return `${run.technique_name}: ${firstText || 'done'}`;
	}

	// -------------------------------------------------------------- stream mode
	private streamRun(run: RunState, res: http.ServerResponse, cut: StreamCut | null): void {
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
				this.streams.delete(timer);
			}
		};
		const tick = () => {
			if (res.destroyed || res.writableEnded) return stop();
			this.advance(run);
			const snap = this.runJson(run);
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
			this.streams.add(timer);
		}
	}

	// -------------------------------------------------------------- webhooks
	private queueWebhook(run: RunState): void {
		const url = run.callbackUrl as string;
		const event = {
			id: rid('whd_'),
			type: run.status === 'completed' ? 'run.completed' : 'run.failed',
			api_version: WEBHOOK_API_VERSION,
			created_at: Date.now(),
			data: {
				run_id: run.run_id,
				run_type: 'technique',
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
			const sig = createHmac('sha256', this.webhookSecret).update(`${t}.${body}`).digest('hex');
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
			this.webhookDeliveries.push(rec);
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
				const u = new URL(url);
				const secure = u.protocol === 'https:';
				const r = (secure ? https : http).request(
					u,
					{
						method: 'POST',
						headers,
						timeout: WEBHOOK_TIMEOUT_MS,
						agent: secure ? this.hookAgents.https : this.hookAgents.http,
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

	// -------------------------------------------------------------- assets
	private asset(id: string): AssetState {
		const a = this.assets.get(id);
		if (!a) throw new ApiError(404, 'not_found', `Asset "${id}" was not found.`);
		if (
			a.status === 'pending_upload' &&
			a.readyAtSim !== undefined &&
			this.clock.now() >= a.readyAtSim
		) {
			a.status = 'ready';
		}
		return a;
	}

	private assetUrl(a: AssetState): string {
		return `${this.mediaOrigin}/assets/${a.asset_id}/${encodeURIComponent(a.file_name)}`;
	}

	private assetJson(a: AssetState): Record<string, unknown> {
		return {
			asset_id: a.asset_id,
			content_type: a.content_type,
			created_at: a.created_at,
			description: null,
			failure_message: a.failure_message,
			height: a.height ?? null,
			width: a.width ?? null,
			name: a.file_name,
			size_bytes: a.size ?? null,
			status: a.status,
			upload_content_type: a.upload_content_type,
			uploaded_via: a.uploaded_via,
			url: a.status === 'ready' ? this.assetUrl(a) : null,
			workspace_id: a.workspace_id,
		};
	}

	private assetCreatedJson(a: AssetState): Record<string, unknown> {
		const out: Record<string, unknown> = {
			asset_id: a.asset_id,
			status: a.status,
			uploaded_via: a.uploaded_via,
			url: this.assetUrl(a),
			visibility: 'workspace',
			workspace_id: a.workspace_id,
		};
		if (a.uploaded_via === 'signed_url') {
			const policy = b64url(
				JSON.stringify({
					asset_id: a.asset_id,
					expires_at: a.expires_at,
					content_type: a.content_type,
				}),
			);
			out.expires_at = a.expires_at;
			out.upload = {
				url: `${this.mediaOrigin}/uploads/${a.asset_id}`,
				method: 'POST',
				content_type: 'multipart/form-data',
				file_field: 'file',
				form_fields: {
					key: `workspaces/${a.workspace_id}/assets/${a.asset_id}/${a.file_name}`,
					policy,
					'x-flora-signature': this.sign(policy),
					'Content-Type': a.content_type,
				},
			};
			out.upload_url = `${this.mediaOrigin}/uploads/${a.asset_id}?token=${a.uploadToken}`;
		}
		return out;
	}

	private sign(s: string): string {
		return createHmac('sha256', this.uploadSecret).update(s).digest('hex');
	}

	private typeFor(fileName: string | undefined): string | undefined {
		const ext = fileName?.split('.').pop()?.toLowerCase();
		return ext ? EXTENSION_TYPES[ext] : undefined;
	}

	private newAsset(
		partial: Partial<AssetState> &
			Pick<AssetState, 'workspace_id' | 'uploaded_via' | 'content_type' | 'file_name'>,
	): AssetState {
		const a: AssetState = {
			asset_id: rid('asset_'),
			status: 'pending_upload',
			upload_content_type: partial.content_type,
			created_at: new Date().toISOString(),
			failure_message: null,
			uploadToken: randomBytes(16).toString('hex'),
			...partial,
		};
		this.assets.set(a.asset_id, a);
		return a;
	}

	private createAsset(req: http.IncomingMessage, body: ParsedBody): Reply {
		const headerKey = firstHeader(req.headers['idempotency-key']);
		if (body.kind === 'multipart') {
			const mp = body.multipart!;
			if (mp.error)
				throw new ApiError(400, 'input_validation_error', `Malformed multipart body: ${mp.error}`, [
					{ field: 'file', message: mp.error },
				]);
			const fields: Array<{ field: string; message: string }> = [];
			const ws = mp.fields.workspace_id;
			if (ws === undefined) fields.push({ field: 'workspace_id', message: 'is required' });
			else if (!/^ws_\S+$/.test(ws))
				fields.push({ field: 'workspace_id', message: 'must be a workspace id (ws_…)' });
			if (mp.fields.project_id !== undefined && !/^prj_\S+$/.test(mp.fields.project_id))
				fields.push({ field: 'project_id', message: 'must be a project id (prj_…)' });
			const file = mp.file;
			const fileName = mp.fields.file_name ?? file?.filename ?? 'upload';
			let ct =
				mp.fields.content_type ??
				(file?.contentType && file.contentType !== 'application/octet-stream'
					? file.contentType
					: undefined) ??
				this.typeFor(fileName);
			ct = ct?.split(';')[0].trim().toLowerCase();
			if (!file) fields.push({ field: 'file', message: 'is required' });
			else if (file.size === 0) fields.push({ field: 'file', message: 'must not be empty' });
			else if (file.size > DIRECT_UPLOAD_MAX_BYTES)
				fields.push({
					field: 'file',
					message: `is ${file.size} bytes; direct uploads take at most 4 MB (use source "signed-url")`,
				});
			if (!ct)
				fields.push({
					field: 'content_type',
					message: 'could not be determined; pass content_type',
				});
			else if (!ALLOWED_ASSET_TYPES.includes(ct))
				fields.push({
					field: mp.fields.content_type !== undefined ? 'content_type' : 'file',
					message: `content type ${ct} is not allowed`,
				});
			if (fields.length) throw validationError(fields);
			this.checkWorkspace(ws);
			const f = file!;
			const remember = this.checkIdempotency('asset', headerKey, {
				fields: mp.fields,
				sha256: f.sha256,
			});
			remember?.();
			const dims = f.data ? pngDimensions(f.data.subarray(0, 24)) : null;
			const a = this.newAsset({
				workspace_id: ws!,
				project_id: mp.fields.project_id,
				uploaded_via: 'direct',
				content_type: ct!,
				file_name: fileName,
				status: 'ready',
				size: f.size,
				sha256: f.sha256,
				data: f.data ?? undefined,
				width: dims?.width,
				height: dims?.height,
			});
			this.uploads.push({
				assetId: a.asset_id,
				size: f.size,
				sha256: f.sha256,
				contentType: ct!,
				fileName,
				via: 'direct',
				receivedAt: Date.now(),
			});
			return json(201, this.assetCreatedJson(a));
		}
		if (body.kind !== 'json') {
			throw new ApiError(
				400,
				'invalid_json',
				'The request body is neither JSON nor multipart/form-data.',
			);
		}
		const b = body.value as Record<string, unknown>;
		if (!b || typeof b !== 'object' || Array.isArray(b))
			throw validationError([{ field: 'body', message: 'must be a JSON object' }]);
		const fields: Array<{ field: string; message: string }> = [];
		for (const k of [
			'source',
			'workspace_id',
			'content_type',
			'file_name',
			'folder',
			'project_id',
		]) {
			if (b[k] !== undefined && typeof b[k] !== 'string')
				fields.push({ field: k, message: 'must be a string' });
		}
		const source = b.source as string | undefined;
		const ws = b.workspace_id as string | undefined;
		if (source === undefined)
			fields.push({ field: 'source', message: 'is required ("signed-url" or an https URL)' });
		if (ws === undefined) fields.push({ field: 'workspace_id', message: 'is required' });
		else if (typeof ws === 'string' && !/^ws_\S+$/.test(ws))
			fields.push({ field: 'workspace_id', message: 'must be a workspace id (ws_…)' });
		if (typeof b.project_id === 'string' && !/^prj_\S+$/.test(b.project_id))
			fields.push({ field: 'project_id', message: 'must be a project id (prj_…)' });
		let fileName = typeof b.file_name === 'string' ? b.file_name : undefined;
		let sourceUrl: URL | null = null;
		if (typeof source === 'string' && source !== 'signed-url') {
			sourceUrl = isHttpUrl(source);
			if (!sourceUrl || sourceUrl.protocol !== 'https:')
				fields.push({ field: 'source', message: 'must be "signed-url" or an https URL' });
			else if (isPrivateHost(sourceUrl.hostname))
				fields.push({ field: 'source', message: 'must not point to a private or internal host' });
			fileName ??= sourceUrl
				? decodeURIComponent(sourceUrl.pathname.split('/').pop() || '') || undefined
				: undefined;
		}
		let ct =
			typeof b.content_type === 'string'
				? b.content_type.split(';')[0].trim().toLowerCase()
				: this.typeFor(fileName);
		if (source === 'signed-url' && !ct)
			fields.push({
				field: 'content_type',
				message: 'is required (or a file_name with a known extension)',
			});
		else if (ct && !ALLOWED_ASSET_TYPES.includes(ct))
			fields.push({ field: 'content_type', message: `content type ${ct} is not allowed` });
		if (fields.length) throw validationError(fields);
		this.checkWorkspace(ws);
		const remember = this.checkIdempotency('asset', headerKey, b);
		remember?.();
		if (source === 'signed-url') {
			const a = this.newAsset({
				workspace_id: ws!,
				project_id: b.project_id as string | undefined,
				uploaded_via: 'signed_url',
				content_type: ct!,
				file_name:
					fileName ??
					`upload.${Object.entries(EXTENSION_TYPES).find(([, v]) => v === ct)?.[0] ?? 'bin'}`,
				expires_at: new Date(Date.now() + 3600_000).toISOString(),
			});
			return json(201, this.assetCreatedJson(a));
		}
		// Server-side URL fetch: not performed; the asset becomes ready a moment later.
		ct ??= 'application/octet-stream';
		const a = this.newAsset({
			workspace_id: ws!,
			project_id: b.project_id as string | undefined,
			uploaded_via: 'url',
			content_type: ct,
			file_name: fileName ?? 'remote',
			source,
			readyAtSim: this.clock.now() + 1000,
		});
		if (!ALLOWED_ASSET_TYPES.includes(ct)) {
			a.status = 'failed';
			a.readyAtSim = undefined;
			a.failure_message = 'The fetched file has a content type that is not allowed.';
		}
		return json(201, this.assetCreatedJson(a));
	}

	private completeAsset(id: string, req: http.IncomingMessage): Reply {
		const a = this.asset(id);
		const remember = this.checkIdempotency(
			'complete',
			firstHeader(req.headers['idempotency-key']),
			{ id },
		);
		if (a.uploaded_via !== 'signed_url' || a.status !== 'pending_upload') {
			throw new ApiError(
				409,
				'conflict',
				`Asset "${id}" is ${a.status} (${a.uploaded_via}); only a pending signed upload can be completed.`,
			);
		}
		if (a.size === undefined)
			throw new ApiError(409, 'conflict', `No bytes have been uploaded for asset "${id}" yet.`);
		remember?.();
		a.status = 'ready';
		return json(200, { ...this.assetJson(a), visibility: 'workspace' });
	}

	// -------------------------------------------------------------- media host
	private async handleMedia(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://media.local');
		const method = (req.method ?? 'GET').toUpperCase();
		const rec: MediaRequestRecord = {
			method,
			path: url.pathname,
			headers: { ...req.headers },
			hadAuthorization: req.headers['authorization'] !== undefined,
			receivedAt: Date.now(),
		};
		this.mediaRequests.push(rec);
		res.on('finish', () => {
			rec.status = res.statusCode;
		});
		const segs = url.pathname
			.split('/')
			.filter(Boolean)
			.map((s) => decodeURIComponent(s));
		const notFound = () => {
			req.resume();
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('Not Found');
		};
		if ((method === 'GET' || method === 'HEAD') && segs[0] === 'media' && segs.length === 3) {
			const fault = this.takeFault(MEDIA_ROUTE, (f) => f.kind === 'status' || f.kind === 'drop');
			const draw = this.chaos?.draw(MEDIA_ROUTE) ?? null;
			if (fault?.kind === 'drop') return void req.socket.destroy();
			if (fault?.kind === 'status') {
				req.resume();
				res.writeHead(fault.status, { 'content-type': 'text/plain', ...(fault.headers ?? {}) });
				res.end(fault.message ?? fault.code);
				return;
			}
			const run = this.runs.get(segs[1]);
			const outId = segs[2].replace(/\.[a-z0-9]+$/, '');
			const out = run?.outputs?.find((o) => o.output_id === outId);
			const found = Boolean(run && out && out.type !== 'text');
			const hit =
				fault || !this.chaos
					? null
					: this.chaos.pick(draw, 'media', { body: method === 'GET' && found });
			if (hit) recordChaos(this.chaosLog, rec, MEDIA_ROUTE, hit.kind);
			if (hit?.kind === 'drop') return void req.socket.destroy();
			if (hit && 'status' in hit) {
				req.resume();
				res.writeHead(hit.status, { 'content-type': 'text/plain' });
				res.end(hit.message);
				return;
			}
			if (hit?.kind === 'slow') await sleep(hit.ms);
			if (res.destroyed) return;
			if (!run || !out || out.type === 'text') return notFound();
			const file = makeMedia(out.type as MediaSlotType, {
				seed: `${run.run_id}/${out.output_id}`,
				targetBytes: run.outputBytes,
				durationSeconds: out.durationSeconds,
				lines: out.lines,
			});
			return this.sendMedia(req, res, file, hit?.kind === 'cutBody' ? hit.fraction : undefined);
		}
		if ((method === 'GET' || method === 'HEAD') && segs[0] === 'assets' && segs.length >= 2) {
			const a = this.assets.get(segs[1]);
			if (!a || a.status !== 'ready') return notFound();
			const headers = { 'content-type': a.content_type, 'cache-control': 'private, max-age=3600' };
			if (a.data) {
				res.writeHead(200, { ...headers, 'content-length': String(a.data.length) });
				res.end(method === 'HEAD' ? undefined : a.data);
				return;
			}
			if (a.filePath && a.size !== undefined) {
				res.writeHead(200, { ...headers, 'content-length': String(a.size) });
				if (method === 'HEAD') return void res.end();
				createReadStream(a.filePath).pipe(res);
				return;
			}
			const kind = (Object.entries(MEDIA_TYPES).find(
				([, v]) => v.contentType === a.content_type,
			)?.[0] ?? null) as MediaSlotType | null;
			if (!kind) return notFound();
			return this.sendMedia(
				req,
				res,
				makeMedia(kind, { seed: a.asset_id, lines: [`Fetched from ${a.source}`] }),
			);
		}
		if (segs[0] === 'uploads' && segs.length === 2 && (method === 'POST' || method === 'PUT')) {
			return this.receiveSignedUpload(req, res, segs[1], method, url);
		}
		notFound();
	}

	/** Serve a media file; with `cutAt` (a share of it), destroy the connection after that part. */
	private sendMedia(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		file: MediaFile,
		cutAt?: number,
	): void {
		res.writeHead(200, {
			'content-type': file.contentType,
			'content-length': String(file.size),
			'cache-control': 'public, max-age=86400',
		});
		if (req.method === 'HEAD') return void res.end();
		if (cutAt !== undefined)
			return void sendTruncated(res, file.chunks(), cutLength(file.size, cutAt));
		const stream = Readable.from(file.chunks(), { objectMode: false });
		stream.on('error', () => res.destroy());
		stream.pipe(res);
	}

	private uploadError(
		res: http.ServerResponse,
		req: http.IncomingMessage,
		status: number,
		code: string,
		message: string,
	): void {
		req.resume();
		const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
		res.writeHead(status, { 'content-type': 'application/xml', connection: 'close' });
		res.end(xml);
	}

	private async receiveSignedUpload(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		assetId: string,
		method: string,
		url: URL,
	): Promise<void> {
		const a = this.assets.get(assetId);
		if (!a || a.uploaded_via !== 'signed_url')
			return this.uploadError(res, req, 404, 'NoSuchUpload', 'Unknown upload target.');
		if (a.status !== 'pending_upload')
			return this.uploadError(res, req, 409, 'InvalidState', 'This upload was already completed.');
		if (a.expires_at && Date.parse(a.expires_at) < Date.now())
			return this.uploadError(res, req, 403, 'AccessDenied', 'Upload policy expired.');
		const filePath = path.join(this.tmpDir, `${assetId}-${++this.tmpSeq}`);
		const hash = createHash('sha256');
		let size = 0;
		let head = Buffer.alloc(0);
		let out: WriteStream | null = null;
		const write = (d: Buffer): Promise<void> | void => {
			size += d.length;
			hash.update(d);
			if (head.length < 24) head = Buffer.concat([head, d.subarray(0, 24 - head.length)]);
			if (!out!.write(d)) return new Promise<void>((r) => out!.once('drain', () => r()));
		};
		const closeOut = () => new Promise<void>((r) => (out ? out.end(() => r()) : r()));

		if (method === 'PUT') {
			if (url.searchParams.get('token') !== a.uploadToken)
				return this.uploadError(res, req, 403, 'AccessDenied', 'Invalid upload token.');
			out = createWriteStream(filePath);
			for await (const chunk of req) {
				const w = write(chunk as Buffer);
				if (w) await w;
			}
			await closeOut();
			this.acceptUpload(
				a,
				filePath,
				size,
				hash.digest('hex'),
				head,
				firstHeader(req.headers['content-type']) ?? a.content_type,
				'signed-put',
			);
			res.writeHead(200, { etag: `"${a.sha256}"` });
			res.end();
			return;
		}

		const boundary = boundaryOf(req.headers['content-type']);
		if (!boundary)
			return this.uploadError(res, req, 400, 'InvalidRequest', 'Expected multipart/form-data.');
		const fields: Record<string, string> = {};
		let fieldBuf: Buffer[] = [];
		let inFile = false;
		let fileSeen = false;
		let fileContentType: string | undefined;
		let fileName: string | undefined;
		let early: string | null = null;
		let curName = '';
		const parser = new MultipartParser(boundary, {
			onPartStart: (p) => {
				curName = p.name;
				fieldBuf = [];
				inFile = false;
				if (p.name === 'file' && !fileSeen) {
					// Fields must come before the file (as with S3/GCS POST policies).
					if (fields.policy === undefined || fields['x-flora-signature'] === undefined)
						early = 'Form fields must precede the file.';
					inFile = true;
					fileSeen = true;
					fileContentType = p.contentType;
					fileName = p.filename;
					out = createWriteStream(filePath);
				}
			},
			onPartData: (d) => {
				if (inFile) return write(d);
				if (curName !== 'file') fieldBuf.push(Buffer.from(d));
			},
			onPartEnd: () => {
				if (!inFile && curName !== 'file')
					fields[curName] = Buffer.concat(fieldBuf).toString('utf8');
				inFile = false;
			},
		});
		await new Promise<void>((resolve) => {
			parser.on('finish', () => resolve());
			parser.on('error', () => resolve());
			req.on('aborted', () => resolve());
			req.pipe(parser);
		});
		await closeOut();
		const fail = (status: number, code: string, msg: string) => {
			rmSync(filePath, { force: true });
			this.uploadError(res, req, status, code, msg);
		};
		if (parser.error) return fail(400, 'MalformedPOSTRequest', parser.error);
		if (early) return fail(400, 'InvalidArgument', early);
		const policy = fields.policy;
		const sig = fields['x-flora-signature'];
		const expectedSig = policy ? this.sign(policy) : '';
		if (
			!policy ||
			!sig ||
			sig.length !== expectedSig.length ||
			!timingSafeEqual(Buffer.from(sig), Buffer.from(expectedSig))
		) {
			return fail(403, 'AccessDenied', 'Invalid upload policy signature.');
		}
		const pol = unb64url(policy) as { asset_id?: string } | null;
		if (pol?.asset_id !== a.asset_id)
			return fail(403, 'AccessDenied', 'Policy is for another asset.');
		if (fields.key !== `workspaces/${a.workspace_id}/assets/${a.asset_id}/${a.file_name}`)
			return fail(403, 'AccessDenied', 'Key does not match the policy.');
		if (!fileSeen) return fail(400, 'InvalidArgument', 'No file field.');
		this.acceptUpload(
			a,
			filePath,
			size,
			hash.digest('hex'),
			head,
			fileContentType ?? a.content_type,
			'signed-post',
			fileName,
		);
		res.writeHead(204, { etag: `"${a.sha256}"` });
		res.end();
	}

	private acceptUpload(
		a: AssetState,
		filePath: string,
		size: number,
		sha256: string,
		head: Buffer,
		contentType: string,
		via: 'signed-post' | 'signed-put',
		fileName?: string,
	): void {
		if (a.filePath && a.filePath !== filePath) rmSync(a.filePath, { force: true });
		a.filePath = filePath;
		a.size = size;
		a.sha256 = sha256;
		a.upload_content_type = contentType;
		const dims = pngDimensions(head);
		if (dims) {
			a.width = dims.width;
			a.height = dims.height;
		}
		this.uploads.push({
			assetId: a.asset_id,
			size,
			sha256,
			contentType,
			fileName: fileName ?? a.file_name,
			via,
			receivedAt: Date.now(),
		});
	}

	// -------------------------------------------------------------- control endpoints
	private async handleControl(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		url: URL,
		method: string,
	): Promise<void> {
		const { buf } = await this.readRaw(req, JSON_BODY_LIMIT);
		let body: Record<string, unknown> = {};
		if (buf.length) {
			try {
				body = JSON.parse(buf.toString('utf8'));
			} catch {
				return this.send(res, 400, { error: 'body is not JSON' });
			}
		}
		const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
		try {
			switch (route) {
				case 'GET /_simulator/state':
					return this.send(res, 200, {
						...this.state(),
						...(url.searchParams.get('include') === 'requests'
							? { requests: this.requests, mediaRequests: this.mediaRequests }
							: {}),
					});
				case 'GET /_simulator/requests':
					return this.send(res, 200, {
						requests: this.requests,
						mediaRequests: this.mediaRequests,
					});
				case 'POST /_simulator/reset':
					this.reset();
					return this.send(res, 200, { ok: true });
				case 'POST /_simulator/faults': {
					const list = (
						Array.isArray(body) ? body : Array.isArray(body.faults) ? body.faults : [body]
					) as FaultSpec[];
					for (const f of list) this.injectFault(f);
					return this.send(res, 200, {
						ok: true,
						pendingFaults: this.faults.filter((f) => f.left > 0),
					});
				}
				case 'DELETE /_simulator/faults':
					this.faults = [];
					return this.send(res, 200, { ok: true });
				case 'POST /_simulator/chaos':
					this.setChaos(body as unknown as ChaosSpec);
					return this.send(res, 200, { ok: true, chaos: this.chaos?.spec ?? null });
				case 'DELETE /_simulator/chaos':
					this.setChaos(null);
					return this.send(res, 200, { ok: true, chaos: null });
				case 'POST /_simulator/config': {
					if (body.timeScale !== undefined) this.setTimeScale(Number(body.timeScale));
					if (body.streamFormat !== undefined) {
						if (body.streamFormat !== 'event-stream' && body.streamFormat !== 'json')
							throw new Error('streamFormat must be event-stream or json');
						this.setStreamFormat(body.streamFormat);
					}
					if (body.credits !== undefined) this.setCredits(Number(body.credits));
					if (body.allowInsecureCallbacks !== undefined)
						this.setAllowInsecureCallbacks(Boolean(body.allowInsecureCallbacks));
					for (const [t, s] of Object.entries((body.runDurations ?? {}) as Record<string, number>))
						this.setRunDuration(t, Number(s));
					for (const [t, n] of Object.entries(
						(body.outputBytes ?? {}) as Record<string, number | null>,
					))
						this.setOutputBytes(t, n === null ? null : Number(n));
					const scripts =
						body.scriptNextRun === undefined
							? []
							: Array.isArray(body.scriptNextRun)
								? body.scriptNextRun
								: [body.scriptNextRun];
					for (const s of scripts as Array<RunScript & { technique: string }>) {
						const { technique, ...script } = s;
						this.scriptNextRun(technique, script);
					}
					return this.send(res, 200, {
						ok: true,
						timeScale: this.timeScale,
						streamFormat: this.streamFormat,
						credits: this.credits,
					});
				}
			}
			if (method === 'GET' && url.pathname.startsWith('/_simulator/runs/')) {
				const r = this.getRun(decodeURIComponent(url.pathname.slice('/_simulator/runs/'.length)));
				return r ? this.send(res, 200, r) : this.send(res, 404, { error: 'no such run' });
			}
			return this.send(res, 404, { error: `no control endpoint ${route}` });
		} catch (e) {
			return this.send(res, 400, { error: (e as Error).message });
		}
	}
}

/** Input text without the simulator's magic tokens (#fail:…, #duration:…). */
function stripTokens(s: string): string {
	return s
		.replace(/#(fail|duration):\S*/g, '')
		.replace(/\s+/g, ' ')
		.trim();
}

function json(status: number, body: unknown): Reply {
	return { kind: 'json', status, body };
}

function defaultMessage(code: string): string {
	switch (code) {
		case 'rate_limited':
			return 'Too many requests. Retry later.';
		case 'service_unavailable':
			return 'The service is temporarily unavailable.';
		case 'internal_error':
			return 'An internal error occurred.';
		case 'unknown_error':
			return 'An unknown error occurred.';
		default:
			return `Request failed (${code}).`;
	}
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
	const sim = new Simulator(options);
	await sim.listen();
	return sim;
}

export { TECHNIQUES };
