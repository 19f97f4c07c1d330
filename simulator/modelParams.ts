/**
 * Generation params checked against the model's parameter schema: an unknown parameter, a
 * value of the wrong type, out of range or not among the options, and a missing required one
 * each answer a field error naming `params.<name>` (and `params.<name>[i]` or
 * `params.<name>.<key>` inside one). Answers the params with the defaults filled in.
 */
import { isHttpUrl, type FieldError } from './http';
import type { CatalogueModel, ModelParam } from './models';

const isObject = (v: unknown): v is Record<string, unknown> =>
	Boolean(v) && typeof v === 'object' && !Array.isArray(v);

function range(p: { min?: number; max?: number }): string {
	if (p.min !== undefined && p.max !== undefined) return ` between ${p.min} and ${p.max}`;
	if (p.min !== undefined) return ` of at least ${p.min}`;
	if (p.max !== undefined) return ` of at most ${p.max}`;
	return '';
}

function inRange(n: number, p: { min?: number; max?: number }): boolean {
	return (p.min === undefined || n >= p.min) && (p.max === undefined || n <= p.max);
}

/** The problem with one value (pushed to `fields`); true when the value is good. */
function checkValue(p: ModelParam, v: unknown, f: string, fields: FieldError[]): boolean {
	const bad = (message: string) => {
		fields.push({ field: f, message });
		return false;
	};
	switch (p.type) {
		case 'string':
			if (typeof v !== 'string') return bad('must be a string');
			if (p.options && !p.options.some((o) => o.value === v))
				return bad(`must be one of ${p.options.map((o) => o.value).join(', ')}`);
			if (p.url && !isHttpUrl(v)) return bad('must be an http(s) URL');
			return true;
		case 'string[]': {
			if (!Array.isArray(v) || !v.every((x) => typeof x === 'string'))
				return bad('must be an array of strings');
			if (p.minItems !== undefined && v.length < p.minItems)
				return bad(`must hold at least ${p.minItems} value${p.minItems === 1 ? '' : 's'}`);
			if (p.maxItems !== undefined && v.length > p.maxItems)
				return bad(`must hold at most ${p.maxItems} values`);
			let ok = true;
			v.forEach((x, i) => {
				if (p.url && !isHttpUrl(x)) {
					fields.push({ field: `${f}[${i}]`, message: 'must be an http(s) URL' });
					ok = false;
				}
			});
			return ok;
		}
		case 'bool':
			return typeof v === 'boolean' || bad('must be true or false');
		case 'int?':
			if (v === null) return true;
		// falls through: otherwise an int
		case 'int':
		case 'seed':
			if (typeof v !== 'number' || !Number.isInteger(v))
				return bad(`must be an integer${range(p)}${p.type === 'int?' ? ', or null' : ''}`);
			return inRange(v, p) || bad(`must be an integer${range(p)}`);
		case 'float':
			if (typeof v !== 'number' || !Number.isFinite(v)) return bad(`must be a number${range(p)}`);
			return inRange(v, p) || bad(`must be a number${range(p)}`);
		case 'dict': {
			if (!isObject(v)) return bad('must be an object');
			let ok = true;
			for (const [k, x] of Object.entries(v)) {
				const prop = p.properties?.[k];
				if (p.properties && !prop) {
					fields.push({
						field: `${f}.${k}`,
						message: `is not allowed; expected one of ${Object.keys(p.properties).join(', ')}`,
					});
					ok = false;
				} else if (prop && (typeof x !== 'number' || !Number.isFinite(x) || !inRange(x, prop))) {
					fields.push({ field: `${f}.${k}`, message: `must be a number${range(prop)}` });
					ok = false;
				}
			}
			return ok;
		}
	}
}

export function checkParams(
	model: CatalogueModel,
	raw: unknown,
	fields: FieldError[],
): Record<string, unknown> {
	if (raw === undefined) raw = {};
	if (!isObject(raw)) {
		fields.push({ field: 'params', message: 'must be an object' });
		return {};
	}
	const names = model.params.map((p) => p.name);
	for (const k of Object.keys(raw))
		if (!names.includes(k))
			fields.push({
				field: `params.${k}`,
				message: `is not a parameter of ${model.model_id}; expected one of ${names.join(', ')}`,
			});
	const out: Record<string, unknown> = {};
	for (const p of model.params) {
		const v = raw[p.name];
		const f = `params.${p.name}`;
		if (v === undefined) {
			if (p.required) fields.push({ field: f, message: `is required by ${model.model_id}` });
			else if (p.default !== undefined) out[p.name] = p.default;
		} else if (checkValue(p, v, f, fields)) out[p.name] = v;
	}
	return out;
}
