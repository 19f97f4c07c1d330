/**
 * FLORA API simulator — a real HTTP server on loopback that behaves like FLORA's public API
 * (the project's own contract `simulator/contract/flora-openapi.json`; notes in
 * ../shared/flora-api.md): the stand-in for FLORA in tests, the demo and benchmarks. Faithful,
 * not friendly: strict validation, real error envelopes, runs that take (scaled) time, real media
 * files on a separate host, signed webhooks.
 *
 *   const sim = await startSimulator({ timeScale: 20, callbackHosts: { 'n8n.flora.test': 'http://127.0.0.1:5678' } });
 *   // sim.baseUrl  -> http://127.0.0.1:<port>/api/v1   (Authorization: Bearer DEFAULT_API_KEY)
 *   // sim.mediaOrigin -> http://127.0.0.1:<other port> (output files, uploaded assets, signed-upload targets)
 *
 * FLORA API routes (under /api/v1, Authorization: Bearer <key>; a viewer key may read, every POST
 * answers it 403; each route file's header says what it chose where the spec and SDK differ):
 *   GET  /techniques, /techniques/{techniqueId}           the technique catalogue (46 techniques)
 *   POST /techniques/{techniqueId}/runs                   a technique run (async, or an event stream)
 *   GET  /techniques/{techniqueId}/runs/{runId}           one technique run
 *   GET  /technique-runs                                  technique run history, newest first
 *   GET  /runs/{runId}                                    any run by id: technique, generation, action
 *   GET  /workspaces                                      the two simulator workspaces
 *   GET  /projects?workspace_id=&query=, POST /projects, GET /projects/{projectId}
 *   GET  /models?type=                                    models with their param schemas (models.ts)
 *   POST /generate                                        a generation run (params checked per model)
 *   GET  /generations                                     generation history, newest first
 *   GET  /actions, /actions/{actionId}                    prebuilt actions (actions.ts)
 *   POST /runs/action                                     an action run (no callback_url: see routes/actions.ts)
 *   POST /assets, GET /assets, GET /assets/{assetId}      upload (direct, signed, URL), list, read
 *   POST /assets/{assetId}/complete, /assets/{assetId}/retry   finish, or renew, a signed upload
 * Every run create takes an Idempotency-Key header (409 idempotency_duplicate on an exact
 * replay within two simulated hours, 422 idempotency_conflict with another body); so do the
 * other POSTs. Runs are pending for a simulated second, then running for their duration, then
 * completed (charged, outputs on the media host) or failed (uncharged).
 *
 * Magic in run inputs (a technique run's text inputs, a generation's prompt, an action run's
 * text inputs): a text containing `#fail:<code>` fails the run with that error_code;
 * `#duration:<seconds>` sets its simulated duration; a media URL (an imageUrl/videoUrl input, a
 * model's image URL param, an action's url) on host `unreachable.invalid` fails with
 * `input_unreachable`. `scriptNextRun` wins over both. setRunDuration, scriptNextRun and
 * setOutputBytes name a technique (id or slug), a model (model_id) or an action (action_id).
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
 *   POST   /_simulator/chaos                    a ChaosSpec: seeded random faults from now on (same as setChaos)
 *   DELETE /_simulator/chaos                    chaos off (same as setChaos(null))
 *   POST   /_simulator/rate-limit               a RateLimitSpec {requestsPerSecond, burst, keyWorkspaces?}:
 *                                               FLORA's per-workspace rate limit (same as setRateLimit)
 *   DELETE /_simulator/rate-limit               no rate limit (the default; same as setRateLimit(null))
 *   POST   /_simulator/assets/{assetId}/expire  {failureMessage?}: expire a pending signed upload's
 *                                               reservation now, or fail it (same as expireUpload)
 *   POST   /_simulator/config                   {timeScale?, streamFormat?, credits?, callbackHosts?: {<host>: <origin>},
 *                                                runDurations?: {<technique|model|action>: seconds},
 *                                                outputBytes?: {<technique|model|action>: bytes|null},
 *                                                scriptNextRun?: {technique (or a model or action id),
 *                                                                 outcome, errorCode?, errorMessage?,
 *                                                                 durationSeconds?, outputBytes?} | [...]}
 *
 * Chaos (setChaos / POST /_simulator/chaos), seeded random faults:
 *   { seed, rate (0..1), kinds?: ChaosKind[] (default all), routes?: string[] (route keys or
 *     MEDIA_ROUTE; default every API route and the media host's output files),
 *     retryAfterSeconds? (of chaos 429s, default 1), slowMs?: [min, max] (default [200, 2000]) }
 *   A mulberry32 PRNG seeded with `seed` takes three draws per covered request as it arrives
 *   (hit? which kind? its parameter), so the same seed and the same sequence of requests give
 *   the same faults. API kinds: rate_limited (429 + retry-after), internal_error (500
 *   unknown_error), service_unavailable (503), drop (before handling), dropAfterHandling (the
 *   request is handled, e.g. the run and its idempotency key exist, then the connection is
 *   destroyed), slow (answer delayed after handling), cutStream (streamed run creates: the
 *   event stream is cut after 0..3 events). Media kinds (GET|HEAD /media/…): internal_error
 *   (500), service_unavailable (503), drop, slow (delay before the answer), cutBody (the
 *   connection is destroyed after part of the file was sent). A request draws only among the
 *   kinds that apply to it. Error answers use the documented error envelope. Control routes
 *   never get faults; an explicit fault (injectFault) for a request takes precedence; reset()
 *   turns chaos off. Every fault applied is in chaosLog ({requestId?, route, kind, at, runId?})
 *   and on its request record (`chaos`); the state answer has `chaos` and `chaosLog`.
 *
 * Rate limit (setRateLimit / POST /_simulator/rate-limit), off by default: a token bucket per
 *   workspace in real time (`requestsPerSecond` tokens a second, at most `burst`), shared by the
 *   keys of the workspace (`keyWorkspaces` maps a key to its workspace; others are in
 *   DEFAULT_WORKSPACE_ID). An API request that finds the bucket empty is answered 429
 *   `rate_limited` with `retry-after` (whole seconds until a token) before anything else (no
 *   fault, no handling); its record has `rateLimited`, the state's counters `rateLimited`.
 *
 * Besides the nested technique routes, GET /runs/{runId} reads any run by id alone (the same
 * body as the nested read; 400 for an id that is not run_…, 404 for an unknown one); it is the
 * poll_url of generation and action runs. A technique run or a generation with a callback_url
 * ends with one signed webhook whose data.run_type is "technique" or "generation".
 * Webhook deliveries share a keep-alive agent with at most WEBHOOK_MAX_SOCKETS sockets per
 * receiver; further deliveries wait for a free socket.
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
	WEBHOOK_MAX_SOCKETS,
	Simulator,
	startSimulator,
} from './server';
export type {
	SimulatorOptions,
	FloraSimulator,
	FaultSpec,
	ChaosSpec,
	ChaosKind,
	ChaosLogEntry,
	RunScript,
	RecordedRequest,
	RunRecord,
	RunOutputRecord,
	RunStatus,
	RunType,
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
export { MODELS, findModel } from './models';
export { ACTIONS, ACTION_IDS, findAction } from './actions';
export { Contract, ROUTES, ROUTE_KEYS, SPEC_PATH } from './spec';
export { CHAOS_KINDS, mulberry32 } from './chaos';
export type { RateLimitSpec } from './rateLimit';
