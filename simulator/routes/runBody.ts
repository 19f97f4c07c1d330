/**
 * The body of a run create (POST /techniques/{techniqueId}/runs), checked against the
 * technique's input slots: every problem is reported, each naming its field.
 *
 * The slot flags, where the sources say little (FLORA's OpenAPI 1.6.0 has neither; in
 * @flora-ai/flora 0.11 a slot may have accepts_element, "fill this input by passing an element
 * id as the input value", and allow_multiple, "multiple values may be provided for this input
 * (one run per value)"); what is simulated:
 * - allow_multiple: the run create's inputs stay a list of {id, type, value}, so several
 *   values are sent as the slot id given once per value (the only way that list can carry
 *   them). A repeated id of a slot without allow_multiple stays an error. "One run per value"
 *   is simulated as one run (one run_id, one answer) that does the technique once per value:
 *   its outputs are the technique's outputs once per value, in the order of the values, and it
 *   costs run_cost once per value (the balance check asks for all of it).
 * - accepts_element: a value that is an element id (el_…) is accepted where the slot accepts
 *   elements, instead of an http(s) URL; anywhere else it answers 400 naming
 *   inputs[i].value, also on a text slot. The simulator has no elements to look up: any
 *   el_… id is taken as one.
 */
import type { CatalogueTechnique } from '../catalogue';
import { ApiError, isHttpUrl, validationError, type FieldError } from '../http';
import type { ParsedBody } from '../requestBody';
import type { RunRequest } from '../runLifecycle';
import { callbackUrlProblem } from './bodyChecks';

/** An element id, the value of a slot that accepts_element. */
const ELEMENT_ID = /^el_\S+$/;

export function validateRunBody(
	t: CatalogueTechnique,
	body: ParsedBody,
	headerKey: string | undefined,
): RunRequest {
	if (body.kind !== 'json') {
		throw new ApiError(
			400,
			'invalid_json',
			body.tooLarge ? 'The request body is too large.' : 'The request body is not valid JSON.',
		);
	}
	const b = body.value as Record<string, unknown>;
	const fields: FieldError[] = [];
	if (!b || typeof b !== 'object' || Array.isArray(b)) {
		throw validationError([{ field: 'body', message: 'must be a JSON object' }]);
	}
	for (const k of Object.keys(b)) {
		if (!['inputs', 'mode', 'callback_url', 'idempotency_key'].includes(k))
			fields.push({ field: k, message: 'is not allowed' });
	}
	const inputs: Array<{ id: string; type: string; value: string }> = [];
	if (b.inputs === undefined) fields.push({ field: 'inputs', message: 'is required' });
	else if (!Array.isArray(b.inputs)) fields.push({ field: 'inputs', message: 'must be an array' });
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
				else if (seen.has(slot.id) && !slot.allow_multiple)
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
			else if (ELEMENT_ID.test(inp.value)) {
				if (slot && !slot.accepts_element)
					fields.push({
						field: `${p}.value`,
						message: `input "${slot.id}" does not accept an element id (el_…)`,
					});
			} else if (
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
		const problem = callbackUrlProblem(b.callback_url);
		if (problem) fields.push({ field: 'callback_url', message: problem });
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
