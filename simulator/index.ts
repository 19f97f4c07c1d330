/**
 * FLORA API simulator — a real HTTP server on loopback that behaves like FLORA's public API
 * (`/work/shared/flora-api.md`, `flora-openapi.json`): the stand-in for FLORA in tests, the
 * demo and benchmarks. Faithful, not friendly: strict validation, real error envelopes,
 * runs that take (scaled) time, real media files on a separate host, signed webhooks.
 *
 *   const sim = await startSimulator({ timeScale: 20, allowInsecureCallbacks: true });
 *   // sim.baseUrl  -> http://127.0.0.1:<port>/api/v1   (Authorization: Bearer DEFAULT_API_KEY)
 *   // sim.mediaOrigin -> http://127.0.0.1:<other port> (output files, uploaded assets, signed-upload targets)
 *
 * Magic in run inputs: a text value containing `#fail:<code>` fails the run with that
 * error_code; `#duration:<seconds>` sets its simulated duration; an imageUrl/videoUrl on host
 * `unreachable.invalid` fails with `input_unreachable`. `scriptNextRun` wins over both.
 *
 * Control surface over HTTP on the API host (not FLORA's API; no auth; JSON bodies):
 *   GET    /_simulator/state[?include=requests]  options, counters (requests by route, runs, deliveries,
 *                                               uploads, media requests with Authorization), runs,
 *                                               webhook deliveries, contract violations, uploads
 *   GET    /_simulator/requests                 every recorded API and media request
 *   GET    /_simulator/runs/{runId}             one internal run record
 *   POST   /_simulator/reset                    same as reset()
 *   POST   /_simulator/faults                   a FaultSpec, an array of them, or {faults:[...]}
 *   DELETE /_simulator/faults                   drop pending faults
 *   POST   /_simulator/config                   {timeScale?, streamFormat?, credits?, allowInsecureCallbacks?,
 *                                                runDurations?: {<technique>: seconds},
 *                                                outputBytes?: {<technique>: bytes|null},
 *                                                scriptNextRun?: {technique, outcome, errorCode?, errorMessage?,
 *                                                                 durationSeconds?, outputBytes?} | [...]}
 *
 * Media host routes: GET|HEAD /media/{runId}/{outputId}.{png|mp4|mp3|pdf}, GET|HEAD
 * /assets/{assetId}/{fileName}, POST /uploads/{assetId} (signed multipart form),
 * PUT /uploads/{assetId}?token=… (raw bytes). No auth there, by design.
 */
export {
	DEFAULT_API_KEY,
	VIEWER_API_KEY,
	DEFAULT_WEBHOOK_SECRET,
	API_PREFIX,
	WEBHOOK_API_VERSION,
	RUN_ERROR_CODES,
	ALLOWED_ASSET_TYPES,
	DIRECT_UPLOAD_MAX_BYTES,
	MEDIA_ROUTE,
	Simulator,
	startSimulator,
} from './server';
export type {
	SimulatorOptions,
	FloraSimulator,
	FaultSpec,
	RunScript,
	RecordedRequest,
	RunRecord,
	RunOutputRecord,
	RunStatus,
	StreamFormat,
	WebhookDeliveryRecord,
	UploadRecord,
	MediaRequestRecord,
} from './types';
export {
	TECHNIQUES,
	WORKSPACES,
	DEFAULT_WORKSPACE_ID,
	DEFAULT_PROJECT_ID,
	findTechnique,
} from './catalogue';
export {
	Contract,
	ROUTES,
	ROUTE_KEYS,
	resolveSpecPath,
	VENDORED_SPEC_PATH,
	SHARED_SPEC_PATH,
} from './spec';
