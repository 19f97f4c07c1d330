/** Public types of the FLORA API simulator (re-exported by `simulator/index.ts`). */
import type { RateLimitSpec } from './rateLimit';

export interface SimulatorOptions {
	/** Interface to listen on. Default '127.0.0.1'. */
	host?: string;
	/** API port. Default 0 (random). */
	port?: number;
	/** Media host port (output files, uploaded assets, signed-upload targets). Default 0 (random). */
	mediaPort?: number;
	/** Simulated time runs this many times faster than real time (run durations, webhook retry delays). Default 1. */
	timeScale?: number;
	/** Extra valid owner keys. */
	apiKeys?: string[];
	/** Webhook signing secret. Default DEFAULT_WEBHOOK_SECRET. */
	webhookSecret?: string;
	/**
	 * Test mode: where callbacks for a host are delivered. FLORA only calls public https URLs,
	 * and so does the simulator: a callback_url must be https to a public host. Tests give n8n
	 * a public-looking https address (say https://n8n.flora.test/) and map its host here to the
	 * loopback listener, `{ 'n8n.flora.test': 'http://127.0.0.1:5678' }`: a callback for
	 * https://n8n.flora.test/webhook-waiting/7 is then POSTed to
	 * http://127.0.0.1:5678/webhook-waiting/7. An origin without a port keeps the callback
	 * URL's own port (`{ 'n8n.flora.test': 'http://127.0.0.1' }` delivers
	 * https://n8n.flora.test:4567/x to http://127.0.0.1:4567/x). Default: none.
	 */
	callbackHosts?: Record<string, string>;
	/** What a `mode: "stream"` run create answers. Default 'event-stream'. */
	streamFormat?: StreamFormat;
	/** Workspace balance in USD. Default 1000. */
	credits?: number;
}

export type StreamFormat = 'event-stream' | 'json';

export type FaultSpec = {
	route?: string;
	times?: number;
	/** Only requests that carry this Idempotency-Key header (one item's run creates). */
	idempotencyKey?: string;
} & (
	| {
			kind: 'status';
			status: number;
			code: string;
			message?: string;
			/** Field errors of an input_validation_error answer. */
			fields?: Array<{ field: string; message: string }>;
			headers?: Record<string, string>;
	  }
	| { kind: 'drop' }
	| { kind: 'dropAfterHandling' }
	| { kind: 'delay'; ms: number }
	| { kind: 'cutStream'; afterEvents: number }
);

/**
 * A kind of seeded random fault ("chaos"). On the API host: `rate_limited` (429 rate_limited
 * with retry-after), `internal_error` (500 unknown_error), `service_unavailable` (503
 * service_unavailable), `drop` (connection destroyed before handling), `dropAfterHandling`
 * (handled, e.g. the run is created, then the connection is destroyed), `slow` (answer delayed
 * by a random time in `slowMs`, after handling), `cutStream` (streamed run creates only: the
 * event stream is cut after a random number of events, 0..3). On the media host's output
 * files: `internal_error` (500), `service_unavailable` (503), `drop`, `slow` (delay before the
 * answer) and `cutBody` (the connection is destroyed after part of the file was sent).
 */
export type ChaosKind =
	| 'rate_limited'
	| 'internal_error'
	| 'service_unavailable'
	| 'drop'
	| 'dropAfterHandling'
	| 'slow'
	| 'cutStream'
	| 'cutBody';

/**
 * Seeded random faults. A PRNG seeded with `seed` decides per request, in arrival order,
 * whether a fault hits (with probability `rate`) and which kind: the same seed and the same
 * sequence of requests give the same faults. Control routes (/_simulator/*) never get any;
 * explicit faults (injectFault) take precedence for a request they apply to.
 */
export interface ChaosSpec {
	seed: number;
	/** 0..1: the share of covered requests that get a fault. */
	rate: number;
	/** Default: every kind. A request gets only the kinds that apply to it (cutStream: a streamed run create; cutBody: a media GET of an existing file). */
	kinds?: ChaosKind[];
	/** Route keys ('POST /techniques/{techniqueId}/runs', MEDIA_ROUTE, …). Default: every API route and the media host's output files. */
	routes?: string[];
	/** The retry-after header (seconds) of chaos 429s. Default 1. */
	retryAfterSeconds?: number;
	/** [min, max] delay of `slow` faults in ms. Default [200, 2000]. */
	slowMs?: [number, number];
}

/** One chaos fault as applied. */
export interface ChaosLogEntry {
	/** The API request's `request-id`; undefined on the media host. */
	requestId?: string;
	route: string | null;
	kind: ChaosKind;
	/** Date.now() when the fault was applied. */
	at: number;
	/** The run a run create made before a dropAfterHandling, slow or cutStream fault. */
	runId?: string;
}

export interface RunScript {
	outcome: 'completed' | 'failed';
	errorCode?: string;
	errorMessage?: string;
	durationSeconds?: number;
	/** Pad every media output of this run to this many bytes (streamed, never held in memory). */
	outputBytes?: number;
}

export interface RecordedRequest {
	method: string;
	path: string;
	/** `METHOD /template` from the spec, or null for a path the API does not have. */
	route: string | null;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	/** Parsed JSON body; for multipart a summary `{ fields, files: [{ field, filename, contentType, size }] }`; a raw string when not parseable. */
	body?: unknown;
	receivedAt: number;
	/** HTTP status answered; undefined when the connection was dropped. */
	status?: number;
	/** Date.now() when the answer finished; undefined when the connection was dropped. */
	answeredAt?: number;
	/** The `request-id` header answered (`req_…`). */
	requestId: string;
	/** The chaos fault this request got, if any. */
	chaos?: ChaosKind;
	/** True when the workspace's rate limit answered it 429. */
	rateLimited?: boolean;
	/**
	 * The runs a delivered 2xx answer named, with their status where it gave one: a run create
	 * or read, or a page of a run list.
	 */
	runsShown?: Array<{ runId: string; status?: string }>;
}

export type RunStatus = 'pending' | 'running' | 'completed' | 'failed';

export interface RunOutputRecord {
	output_id: string;
	type: 'imageUrl' | 'videoUrl' | 'audioUrl' | 'text' | 'documentUrl';
	url: string;
	/** Slot id the output fills. */
	slotId: string;
	/** For PDFs: the text lines on the page. */
	lines?: string[];
	durationSeconds?: number;
}

/** What started a run: a technique run create, POST /generate or POST /runs/action. */
export type RunType = 'technique' | 'generation' | 'action';

/** The simulator's internal record of a run. Identity fields use the API's names; the rest is camelCase. */
export interface RunRecord {
	run_id: string;
	run_type: RunType;
	/** Technique runs: the technique. */
	technique_id?: string;
	technique_name?: string;
	/** Generation runs: the model endpoint id. */
	model_id?: string;
	/** Action runs: the action id. */
	action_id?: string;
	/** Generation and action runs: the params as sent. */
	params?: Record<string, unknown>;
	workspace_id: string;
	project_id: string;
	mode: 'async' | 'stream';
	inputs: Array<{ id: string; type: string; value: string }>;
	callbackUrl?: string;
	idempotencyKey?: string;
	apiKey: string;
	status: RunStatus;
	/** Planned outcome and its details. */
	outcome: 'completed' | 'failed';
	errorCode?: string;
	errorMessage?: string;
	durationSeconds: number;
	outputBytes?: number;
	chargedCost?: number;
	outputs?: RunOutputRecord[];
	/** Real wall-clock timestamps (Date.now() ms). */
	createdAt: number;
	startedAt?: number;
	endedAt?: number;
	/** Simulated-clock instants (ms since simulator start): start of running, terminal. */
	simCreated: number;
	simStart: number;
	simEnd: number;
	/** Order of creation (1, 2, …). */
	seq: number;
}

export interface WebhookDeliveryRecord {
	/** `whd_…`: the same for every attempt of one event. */
	deliveryId: string;
	runId: string;
	/** 1..4 */
	attempt: number;
	url: string;
	headers: Record<string, string>;
	/** Exact raw body sent. */
	body: string;
	/** Where the attempt was sent when callbackHosts mapped the URL's host (test mode). */
	deliveredTo?: string;
	/** HTTP status the receiver answered; null when the attempt errored (refused, timeout). */
	status: number | null;
	error?: string;
	attemptedAt: number;
}

export interface UploadRecord {
	assetId: string;
	size: number;
	sha256: string;
	contentType: string;
	fileName?: string;
	/** 'direct' = multipart POST /assets; 'signed-post' / 'signed-put' = the signed upload target on the media host. */
	via: 'direct' | 'signed-post' | 'signed-put';
	receivedAt: number;
}

export interface MediaRequestRecord {
	method: string;
	path: string;
	headers: Record<string, string | string[] | undefined>;
	/** True when an Authorization header reached the media host (it never should). */
	hadAuthorization: boolean;
	receivedAt: number;
	status?: number;
	/** The chaos fault this request got, if any. */
	chaos?: ChaosKind;
}

export interface FloraSimulator {
	readonly baseUrl: string;
	readonly mediaOrigin: string;
	close(): Promise<void>;
	reset(): void;
	injectFault(fault: FaultSpec): void;
	/** Seeded random faults from now on (a fresh PRNG from `spec.seed`); null turns them off. reset() turns them off too. */
	setChaos(spec: ChaosSpec | null): void;
	/** Every chaos fault applied, in order (cleared by reset(), not by setChaos). */
	readonly chaosLog: ChaosLogEntry[];
	/**
	 * A per-workspace rate limit (a token bucket in real time: requests per second and burst)
	 * answering 429 `rate_limited` with `retry-after` when exceeded; null turns it off (the
	 * default; reset() too).
	 */
	setRateLimit(spec: RateLimitSpec | null): void;
	/** Simulated seconds of the next runs of a technique (id or slug), model or action (their ids). */
	setRunDuration(technique: string, seconds: number): void;
	/** The outcome of the next run of a technique (id or slug), model or action (their ids); queued. */
	scriptNextRun(technique: string, script: RunScript): void;
	/** Pad media outputs of new runs of this technique to `bytes` (null: back to natural size). */
	setOutputBytes(technique: string, bytes: number | null): void;
	/**
	 * Expire a pending signed upload's reservation now (as FLORA does after an hour); with a
	 * message, the upload also fails with it. Either way POST /assets/{assetId}/retry can renew it.
	 */
	expireUpload(assetId: string, failureMessage?: string): void;
	setCredits(usd: number): void;
	/** Current balance in USD. */
	readonly credits: number;
	setStreamFormat(f: StreamFormat): void;
	setTimeScale(n: number): void;
	/** Test mode: replaces the callbackHosts mapping (see SimulatorOptions); reset() restores the options'. */
	setCallbackHosts(hosts: Record<string, string>): void;
	readonly requests: RecordedRequest[];
	/** The TCP connections open to the API and media hosts now, and the most open at once since it started. */
	readonly connections: ReadonlySet<unknown>;
	readonly peakConnections: number;
	countRequests(route?: string): number;
	runsCreated(filter?: { technique?: string; idempotencyKey?: string }): number;
	getRun(runId: string): RunRecord | undefined;
	/** Every run record, oldest first. */
	listRuns(): RunRecord[];
	readonly webhookDeliveries: WebhookDeliveryRecord[];
	readonly contractViolations: string[];
	readonly uploads: UploadRecord[];
	/** Every request to the media host. */
	readonly mediaRequests: MediaRequestRecord[];
}
