/**
 * Checking answers against the contract, as contract.test.ts does: the answer's status must be
 * one its operation declares and its body must match that status's schema; the documented
 * extensions of ../shared/flora-api.md (the codes and the 422/503 statuses FLORA answers but
 * the spec leaves out) are checked against the Error envelope with the code enum extended by
 * exactly those. Every status reached is remembered per route.
 */
import type { AxiosResponse } from 'axios';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Contract, type Simulator } from '../../simulator';
import type { Json } from './helpers';

export const DOCUMENTED_EXTENSION_CODES = [
	'conflict',
	'idempotency_conflict',
	'internal_error',
	'service_unavailable',
];
export const DOCUMENTED_EXTENSION_STATUSES = [422, 503];

export interface ContractChecker {
	/** Validate one answer; answers its body. */
	check(resp: AxiosResponse, expectedStatus: number, expectedCode?: string): Json;
	/** Every mismatch found so far. */
	failures: string[];
	/** The statuses reached per route, sorted. */
	reachedOf(routes: readonly string[]): Record<string, number[]>;
}

/** The Error envelope with the code enum extended by the documented extension codes. */
export function extendedErrorValidator(sim: Simulator) {
	const errSchema: Json = JSON.parse(JSON.stringify(sim.contract.spec.components.schemas.Error));
	errSchema.properties.error.properties.code.enum.push(...DOCUMENTED_EXTENSION_CODES);
	const ajv = new Ajv2020({ strict: false, allErrors: true });
	addFormats(ajv);
	return ajv.compile(errSchema);
}

export function contractChecker(sim: Simulator): ContractChecker {
	const contract = sim.contract;
	const extendedError = extendedErrorValidator(sim);
	const reached = new Map<string, Set<number>>();
	const failures: string[] = [];

	const check = (resp: AxiosResponse, expectedStatus: number, expectedCode?: string): Json => {
		expect({ status: resp.status, body: resp.data }).toMatchObject({ status: expectedStatus });
		const rec = sim.requests.find((r) => r.requestId === resp.headers['request-id']);
		expect(rec).toBeDefined();
		const route = rec!.route ?? 'unmatched';
		const body = resp.data;
		if (expectedCode) expect(body.error.code).toBe(expectedCode);
		const isExtension =
			resp.status >= 400 &&
			(DOCUMENTED_EXTENSION_STATUSES.includes(resp.status) ||
				DOCUMENTED_EXTENSION_CODES.includes(body?.error?.code));
		if (isExtension) {
			if (!extendedError(body))
				failures.push(
					`${route} ${resp.status} (extension): ${JSON.stringify(extendedError.errors)}`,
				);
		} else {
			const v = contract.responseValidator(route, resp.status);
			if (!v) failures.push(`${route}: status ${resp.status} is not declared by the spec`);
			else if (!v(body))
				failures.push(
					`${route} ${resp.status}: ${Contract.describe(v)} — ${JSON.stringify(body).slice(0, 300)}`,
				);
		}
		if (!reached.has(route)) reached.set(route, new Set());
		reached.get(route)!.add(resp.status);
		return body;
	};

	const reachedOf = (routes: readonly string[]) => {
		const out: Record<string, number[]> = {};
		for (const k of routes) out[k] = [...(reached.get(k) ?? [])].sort((a, b) => a - b);
		return out;
	};
	return { check, failures, reachedOf };
}
