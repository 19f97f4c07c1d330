/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * The OpenAPI contract the simulator speaks: the spec file, the route table, and ajv (JSON
 * Schema 2020-12 + ajv-formats) validators for requests, responses and webhooks.
 *
 * The contract is the project's own: `simulator/contract/flora-openapi.json` (SPEC_PATH), the
 * only spec the project reads.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import type { ValidateFunction, ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';

export const REPO_ROOT = path.resolve(__dirname, '..');
/** The project's contract: `simulator/contract/flora-openapi.json`. */
export const SPEC_PATH = path.join(__dirname, 'contract', 'flora-openapi.json');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export function loadSpec(file = SPEC_PATH): Json {
	return JSON.parse(readFileSync(file, 'utf8'));
}

export interface RouteDef {
	method: string;
	template: string;
	/** `METHOD /template`, e.g. `POST /techniques/{techniqueId}/runs`. */
	key: string;
	segments: string[];
}

/** The simulator's route table (FLORA's API, under /api/v1). A test asserts it equals the spec's paths. */
export const ROUTE_KEYS = [
	'GET /techniques',
	'GET /techniques/{techniqueId}',
	'POST /techniques/{techniqueId}/runs',
	'GET /techniques/{techniqueId}/runs/{runId}',
	'GET /technique-runs',
	'GET /workspaces',
	'POST /assets',
	'GET /assets/{assetId}',
	'POST /assets/{assetId}/complete',
	'GET /runs/{runId}',
	'GET /projects',
	'POST /projects',
	'GET /projects/{projectId}',
	'GET /models',
	'POST /generate',
	'GET /generations',
	'GET /actions',
	'GET /actions/{actionId}',
	'POST /runs/action',
	'GET /assets',
	'POST /assets/{assetId}/retry',
] as const;
export type RouteKey = (typeof ROUTE_KEYS)[number];

/** The routes that create a run (each answers its run_id). */
export const RUN_CREATE_ROUTES: readonly string[] = [
	'POST /techniques/{techniqueId}/runs',
	'POST /generate',
	'POST /runs/action',
];

export const ROUTES: RouteDef[] = ROUTE_KEYS.map((key) => {
	const [method, template] = key.split(' ');
	return { method, template, key, segments: template.split('/').filter(Boolean) };
});

export function matchRoute(
	method: string,
	pathname: string,
): { route: RouteDef; params: Record<string, string> } | { route: null; pathExists: boolean } {
	const segs = pathname.split('/').filter(Boolean);
	let pathExists = false;
	for (const route of ROUTES) {
		if (route.segments.length !== segs.length) continue;
		const params: Record<string, string> = {};
		let ok = true;
		for (let i = 0; i < segs.length; i++) {
			const t = route.segments[i];
			if (t.startsWith('{') && t.endsWith('}')) {
				let v: string;
				try {
					v = decodeURIComponent(segs[i]);
				} catch {
					v = segs[i];
				}
				params[t.slice(1, -1)] = v;
			} else if (t !== segs[i]) {
				ok = false;
				break;
			}
		}
		if (!ok) continue;
		pathExists = true;
		if (route.method === method) return { route, params };
	}
	return { route: null, pathExists };
}

/** Every `METHOD /path` the spec declares. */
export function specRouteKeys(spec: Json): string[] {
	const out: string[] = [];
	for (const [p, item] of Object.entries<Json>(spec.paths ?? {})) {
		for (const m of ['get', 'post', 'put', 'patch', 'delete', 'head', 'options']) {
			if (item[m]) out.push(`${m.toUpperCase()} ${p}`);
		}
	}
	return out;
}

const SCHEMA_BASE = 'https://flora-simulator.local/schemas/';

function rewriteRefs(node: Json): Json {
	if (Array.isArray(node)) return node.map(rewriteRefs);
	if (node && typeof node === 'object') {
		const out: Json = {};
		for (const [k, v] of Object.entries<Json>(node)) {
			if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
				out[k] = SCHEMA_BASE + v.slice('#/components/schemas/'.length);
			} else out[k] = rewriteRefs(v);
		}
		return out;
	}
	return node;
}

function formatErrors(errors: ErrorObject[] | null | undefined): string {
	return (errors ?? [])
		.map(
			(e) =>
				`${e.instancePath || '/'} ${e.message ?? ''}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
		)
		.join('; ');
}

export interface RequestFacts {
	routeKey: string;
	method: string;
	path: string;
	params: Record<string, string>;
	query: Record<string, string>;
	headers: Record<string, string | string[] | undefined>;
	contentType?: string;
	/** 'none' no body; 'json' parsed; 'invalid-json' not parseable; 'multipart' fields; 'other' another media type. */
	bodyKind: 'none' | 'json' | 'invalid-json' | 'multipart' | 'other';
	body?: unknown;
}

export class Contract {
	readonly spec: Json;
	readonly specPath: string;
	private readonly ajv: InstanceType<typeof Ajv2020>;
	private readonly ajvCoerce: InstanceType<typeof Ajv2020>;
	private readonly cache = new Map<string, ValidateFunction | null>();

	constructor(specPath = SPEC_PATH) {
		this.specPath = specPath;
		this.spec = loadSpec(specPath);
		this.ajv = new Ajv2020({ strict: false, allErrors: true });
		this.ajvCoerce = new Ajv2020({ strict: false, allErrors: true, coerceTypes: true });
		for (const a of [this.ajv, this.ajvCoerce]) {
			addFormats(a);
			for (const [name, schema] of Object.entries<Json>(this.spec.components?.schemas ?? {})) {
				a.addSchema({ ...rewriteRefs(schema), $id: SCHEMA_BASE + name });
			}
		}
	}

	operation(routeKey: string): Json {
		const [method, template] = routeKey.split(' ');
		return this.spec.paths?.[template]?.[method.toLowerCase()];
	}

	private compile(key: string, schema: Json, coerce = false): ValidateFunction | null {
		if (this.cache.has(key)) return this.cache.get(key) ?? null;
		const fn = schema ? (coerce ? this.ajvCoerce : this.ajv).compile(rewriteRefs(schema)) : null;
		this.cache.set(key, fn);
		return fn;
	}

	/** A component schema by name (e.g. `WebhookEvent`, `Error`). */
	componentValidator(name: string): ValidateFunction {
		const fn = this.compile(`component:${name}`, { $ref: `#/components/schemas/${name}` });
		if (!fn) throw new Error(`no component ${name}`);
		return fn;
	}

	/** The JSON response schema for an operation and status, or null if the spec declares none. */
	responseValidator(routeKey: string, status: number): ValidateFunction | null {
		const op = this.operation(routeKey);
		const schema = op?.responses?.[String(status)]?.content?.['application/json']?.schema;
		return this.compile(`response:${routeKey}:${status}`, schema);
	}

	/** Statuses the spec declares for an operation. */
	declaredStatuses(routeKey: string): number[] {
		return Object.keys(this.operation(routeKey)?.responses ?? {}).map(Number);
	}

	static describe(fn: ValidateFunction): string {
		return formatErrors(fn.errors);
	}

	/** Check a received request against its operation; answers the list of violations (empty when fine). */
	checkRequest(r: RequestFacts): string[] {
		const out: string[] = [];
		const op = this.operation(r.routeKey);
		if (!op) return [`${r.method} ${r.path}: no such operation in the spec`];
		const where = `${r.routeKey} (${r.path})`;
		const params: Json[] = [
			...(this.spec.paths[r.routeKey.split(' ')[1]].parameters ?? []),
			...(op.parameters ?? []),
		];

		// security: bearer
		const auth = r.headers['authorization'];
		if (typeof auth !== 'string' || !/^Bearer\s+\S+/i.test(auth))
			out.push(`${where}: missing or malformed bearer Authorization header`);

		for (const loc of ['path', 'query', 'header'] as const) {
			const ps = params.filter((p) => p.in === loc);
			const properties: Json = {};
			const required: string[] = [];
			for (const p of ps) {
				const name = loc === 'header' ? String(p.name).toLowerCase() : p.name;
				properties[name] = p.schema ?? {};
				if (p.required) required.push(name);
			}
			let value: Record<string, unknown>;
			if (loc === 'path') value = { ...r.params };
			else if (loc === 'query') value = { ...r.query };
			else {
				value = {};
				for (const p of ps) {
					const v = r.headers[String(p.name).toLowerCase()];
					if (v !== undefined) value[String(p.name).toLowerCase()] = Array.isArray(v) ? v[0] : v;
				}
			}
			const schema: Json = { type: 'object', properties, required };
			if (loc !== 'header') schema.additionalProperties = false;
			const fn = this.compile(`params:${r.routeKey}:${loc}`, schema, true);
			if (fn && !fn(value)) out.push(`${where}: ${loc} parameters: ${formatErrors(fn.errors)}`);
		}

		const rb = op.requestBody;
		if (rb) {
			const content = rb.content ?? {};
			if (r.bodyKind === 'none') {
				if (rb.required) out.push(`${where}: request body is required`);
			} else {
				const mt = (r.contentType ?? '').split(';')[0].trim().toLowerCase();
				const media = content[mt];
				if (!media)
					out.push(
						`${where}: content type "${mt}" is not one of ${Object.keys(content).join(', ')}`,
					);
				else if (r.bodyKind === 'invalid-json') out.push(`${where}: body is not valid JSON`);
				else if (r.bodyKind === 'json' || r.bodyKind === 'multipart') {
					const fn = this.compile(`body:${r.routeKey}:${mt}`, media.schema);
					if (fn && !fn(r.body)) out.push(`${where}: body: ${formatErrors(fn.errors)}`);
				}
			}
		} else if (r.bodyKind !== 'none') {
			out.push(`${where}: the operation takes no request body`);
		}
		return out;
	}
}
