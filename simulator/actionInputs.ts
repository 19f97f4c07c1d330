/**
 * The inputs and params of an action run create, checked against the action: each input is
 * matched to an input slot (by its name, else by its type in slot order), media inputs take a
 * URL and text inputs a text, a slot takes as many values as it allows, and params are checked
 * against the action's controls. Every problem is a field error naming inputs[i].<key>,
 * inputs or params.<key>. Also the outputs a run of the action fills.
 */
import type { ActionMedia, ActionParam, ActionSlot, CatalogueAction } from './actions';
import { isHttpUrl, type FieldError } from './http';
import type { OutputSlot } from './state';
import type { RunRecord } from './types';

const MEDIA: ActionMedia[] = ['image', 'video', 'audio', 'text'];
const RECORD_TYPE: Record<ActionMedia, OutputSlot['type']> = {
	image: 'imageUrl',
	video: 'videoUrl',
	audio: 'audioUrl',
	text: 'text',
};

const an = (type: ActionMedia) =>
	type === 'image' || type === 'audio' ? `an ${type}` : `a ${type}`;
const isObject = (v: unknown): v is Record<string, unknown> =>
	Boolean(v) && typeof v === 'object' && !Array.isArray(v);

/** How many values a slot takes. */
function bounds(s: ActionSlot): { min: number; max: number } {
	const m = s.multiple ?? (s.dynamic ? true : undefined);
	if (m === undefined) return { min: s.optional ? 0 : 1, max: 1 };
	if (m === true) return { min: s.optional ? 0 : 1, max: Infinity };
	return { min: m.min ?? 0, max: m.max ?? Infinity };
}

/** The checked inputs, in the order given, as run record inputs (id = slot name). */
export function checkActionInputs(
	a: CatalogueAction,
	raw: unknown,
	fields: FieldError[],
): RunRecord['inputs'] {
	if (raw === undefined) {
		fields.push({ field: 'inputs', message: 'is required' });
		return [];
	}
	if (!Array.isArray(raw)) {
		fields.push({ field: 'inputs', message: 'must be an array' });
		return [];
	}
	if (raw.length === 0) {
		fields.push({ field: 'inputs', message: 'must contain at least one input' });
		return [];
	}
	const count = new Map<string, number>();
	const out: RunRecord['inputs'] = [];
	raw.forEach((item: unknown, i) => {
		const p = `inputs[${i}]`;
		if (!isObject(item)) {
			fields.push({ field: p, message: 'must be an object with type and url or text' });
			return;
		}
		for (const k of Object.keys(item))
			if (!['type', 'url', 'text', 'name'].includes(k))
				fields.push({ field: `${p}.${k}`, message: 'is not allowed' });
		const type = item.type as ActionMedia;
		if (!MEDIA.includes(type)) {
			fields.push({ field: `${p}.type`, message: `must be one of ${MEDIA.join(', ')}` });
			return;
		}
		let slot: ActionSlot | undefined;
		if (item.name !== undefined) {
			slot = a.inputs.find((s) => s.name === item.name);
			if (!slot) {
				fields.push({
					field: `${p}.name`,
					message: `unknown input ${JSON.stringify(item.name)} of ${a.action_id}; expected one of ${a.inputs.map((s) => s.name).join(', ')}`,
				});
				return;
			}
			if (slot.type !== type) {
				fields.push({
					field: `${p}.type`,
					message: `input "${slot.name}" takes ${slot.type}, not ${type}`,
				});
				return;
			}
		} else {
			const ofType = a.inputs.filter((s) => s.type === type);
			if (ofType.length === 0) {
				fields.push({
					field: `${p}.type`,
					message: `${a.action_id} takes no ${type} input; it takes ${[...new Set(a.inputs.map((s) => s.type))].join(', ')}`,
				});
				return;
			}
			slot =
				ofType.find((s) => (count.get(s.name) ?? 0) < bounds(s).max) ?? ofType[ofType.length - 1];
		}
		const n = (count.get(slot.name) ?? 0) + 1;
		count.set(slot.name, n);
		if (n > bounds(slot).max) {
			fields.push({
				field: p,
				message:
					bounds(slot).max === 1
						? `input "${slot.name}" takes one value; it is given more than once`
						: `input "${slot.name}" takes at most ${bounds(slot).max} values`,
			});
			return;
		}
		const [has, not] = type === 'text' ? (['text', 'url'] as const) : (['url', 'text'] as const);
		if (item[not] !== undefined)
			fields.push({ field: `${p}.${not}`, message: `is not allowed on ${an(type)} input` });
		const v = item[has];
		if (v === undefined)
			fields.push({ field: `${p}.${has}`, message: `is required on ${an(type)} input` });
		else if (typeof v !== 'string')
			fields.push({ field: `${p}.${has}`, message: 'must be a string' });
		else if (has === 'url' && !isHttpUrl(v))
			fields.push({ field: `${p}.url`, message: 'must be an http(s) URL' });
		else out.push({ id: slot.name, type: RECORD_TYPE[type], value: v });
	});
	for (const s of a.inputs) {
		const n = count.get(s.name) ?? 0;
		const { min } = bounds(s);
		if (n < min)
			fields.push({
				field: 'inputs',
				message:
					n === 0 && min === 1
						? `missing required input "${s.name}" (${s.type})`
						: `input "${s.name}" takes at least ${min} values, got ${n}`,
			});
	}
	return out;
}

function paramProblem(p: ActionParam, v: unknown): string | null {
	const share = (o: unknown, keys: string[]) =>
		isObject(o) &&
		Object.keys(o).length === keys.length &&
		keys.every((k) => typeof o[k] === 'number' && (o[k] as number) >= 0 && (o[k] as number) <= 1);
	switch (p.type) {
		case 'select':
			return typeof v === 'string' && p.available_values!.some((x) => x.value === v)
				? null
				: `must be one of ${p.available_values!.map((x) => x.value).join(', ')}`;
		case 'number': {
			const range = `between ${p.min_number_value} and ${p.max_number_value}`;
			return typeof v === 'number' &&
				Number.isFinite(v) &&
				v >= p.min_number_value! &&
				v <= p.max_number_value!
				? null
				: `must be a number ${range}`;
		}
		case 'toggle':
			return typeof v === 'boolean' ? null : 'must be true or false';
		case 'text':
			return typeof v === 'string' ? null : 'must be a string';
		case 'color':
			return typeof v === 'string' && /^#[0-9a-fA-F]{6}$/.test(v)
				? null
				: 'must be a colour #rrggbb';
		case 'point':
			return share(v, ['x', 'y']) ? null : 'must be {x, y} with both from 0 to 1';
		case 'size':
			return share(v, ['width', 'height']) ? null : 'must be {width, height} with both from 0 to 1';
	}
}

/** The checked params with the defaults filled in. */
export function checkActionParams(
	a: CatalogueAction,
	raw: unknown,
	fields: FieldError[],
): Record<string, unknown> {
	if (raw === undefined) raw = {};
	if (!isObject(raw)) {
		fields.push({ field: 'params', message: 'must be an object' });
		return {};
	}
	const keys = a.params.map((p) => p.key);
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(raw)) {
		const p = a.params.find((x) => x.key === k);
		const problem = p
			? paramProblem(p, v)
			: `is not a parameter of ${a.action_id}; expected one of ${keys.join(', ')}`;
		if (problem) fields.push({ field: `params.${k}`, message: problem });
	}
	for (const p of a.params) out[p.key] = raw[p.key] ?? p.default_value;
	return out;
}

/** concat-text: the texts joined as its params say. */
function concat(texts: string[], params: Record<string, unknown>): string {
	// The magic tokens are the simulator's, not the text's.
	let parts = texts.map((t) => t.replace(/\s*#(fail|duration):\S*/g, ''));
	if (params.trim_parts) parts = parts.map((t) => t.trim());
	if (params.skip_empty) parts = parts.filter((t) => t !== '');
	if (params.add_headers) parts = parts.map((t, i) => `Part ${i + 1}\n${t}`);
	const [pre, suf] = [String(params.prefix ?? ''), String(params.suffix ?? '')];
	if (params.wrap_each_part) parts = parts.map((t) => `${pre}${t}${suf}`);
	const joined = parts.join(String(params.separator ?? ''));
	return params.wrap_each_part ? joined : `${pre}${joined}${suf}`;
}

/** The outputs a run of the action fills. */
export function actionOutputs(
	a: CatalogueAction,
	inputs: RunRecord['inputs'],
	params: Record<string, unknown>,
): OutputSlot[] {
	const videos = inputs.filter((i) => i.type === 'videoUrl').length;
	return a.outputs.map((s) => ({
		id: s.name,
		name: s.name[0].toUpperCase() + s.name.slice(1),
		type: RECORD_TYPE[s.type],
		...(s.type === 'video' ? { specified_duration: 5 * Math.max(1, videos) } : {}),
		...(s.type === 'text'
			? {
					text:
						a.action_id === 'concat-text-browser'
							? concat(
									inputs.filter((i) => i.type === 'text').map((i) => i.value),
									params,
								)
							: `${a.name}: done`,
				}
			: {}),
	}));
}
