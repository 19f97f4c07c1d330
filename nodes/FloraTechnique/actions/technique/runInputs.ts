import type { IExecuteFunctions, ResourceMapperValue } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError } from '../../../shared/flora/errors';
import type { RunInputType } from '../../../shared/flora/types';
import { RUN_INPUT_TYPES } from '../../../shared/flora/types';
import { binaryPropertyOf, checkBinaryInput } from '../../uploads';
import { TOOL_SUMMARY_ID } from '../toolInputs';

/** Deeper values are refused: FLORA takes text and URLs, and n8n itself overflows its stack. */
export const MAX_VALUE_DEPTH = 32;

function isStackOverflow(error: unknown): boolean {
	return error instanceof RangeError || /maximum call stack/i.test((error as Error)?.message ?? '');
}

/**
 * Reads an input parameter; a value too deep for n8n to resolve gets an error naming the
 * field instead of "Maximum call stack size exceeded".
 */
export function readInputParameter(
	context: IExecuteFunctions,
	name: string,
	label: string,
	itemIndex: number,
	fallback: unknown,
): unknown {
	try {
		return context.getNodeParameter(name, itemIndex, fallback);
	} catch (error) {
		if (!isStackOverflow(error)) throw asNodeError(context.getNode(), error, itemIndex);
		throw tooDeep(context, label, itemIndex);
	}
}

function tooDeep(context: IExecuteFunctions, label: string, itemIndex: number) {
	return new NodeOperationError(context.getNode(), `${label} is nested too deeply to send`, {
		itemIndex,
		description: `FLORA takes text and URLs as input values; this value holds lists or objects more than ${MAX_VALUE_DEPTH} levels deep. Give the value as text, for example with JSON.stringify() of a smaller part.`,
	});
}

/** The first problem of a value: too deep, or a number JSON cannot carry (NaN, Infinity). */
function problemOf(value: unknown): 'depth' | 'number' | undefined {
	const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
	while (stack.length > 0) {
		const { value: current, depth } = stack.pop()!;
		if (typeof current === 'number' && !Number.isFinite(current)) return 'number';
		if (typeof current !== 'object' || current === null) continue;
		if (depth >= MAX_VALUE_DEPTH) return 'depth';
		for (const child of Object.values(current)) stack.push({ value: child, depth: depth + 1 });
	}
	return undefined;
}

/**
 * An input value as the text FLORA receives: strings as they are, numbers and booleans
 * written out, lists and objects as JSON. NaN, Infinity and values nested too deeply fail,
 * naming the field, instead of being sent as "null" or "NaN".
 */
export function inputText(
	context: IExecuteFunctions,
	value: unknown,
	label: string,
	itemIndex: number,
): string {
	if (typeof value === 'string') return value;
	const problem = problemOf(value);
	if (problem === 'depth') throw tooDeep(context, label, itemIndex);
	if (problem === 'number') {
		throw new NodeOperationError(
			context.getNode(),
			`${label} is not a number FLORA can take (${String(value).slice(0, 40)})`,
			{
				itemIndex,
				description:
					'The value is or holds NaN or Infinity, for example from a division by zero or a field the item does not have. Fix the expression so that it gives text or a finite number.',
			},
		);
	}
	if (typeof value === 'number' || typeof value === 'boolean') return String(value);
	return JSON.stringify(value);
}

/**
 * The values of an input that may take several: a list gives one value per entry, text one per
 * line, trimmed. An input that takes one value gets its text as it is. Empty values are left out.
 */
export function inputValues(
	context: IExecuteFunctions,
	value: unknown,
	label: string,
	itemIndex: number,
	several: boolean,
): string[] {
	if (value === undefined || value === null) return [];
	if (!several) {
		const text = inputText(context, value, label, itemIndex);
		return text === '' ? [] : [text];
	}
	const entries = Array.isArray(value)
		? value.map((entry) => inputText(context, entry, label, itemIndex))
		: inputText(context, value, label, itemIndex).split(/\r?\n/);
	return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}

/**
 * An input as the user gave it. Its type is known for manual and JSON inputs; for inputs from
 * the technique's schema it comes from the technique once it has been read. A value
 * `binary:<property>` names a file of the item to upload.
 */
export interface DraftInput {
	id: string;
	label: string;
	type?: RunInputType;
	value: string;
	binaryProperty?: string;
	/** An element ID (`el_…`) given as the value: only a slot that accepts elements takes it. */
	element?: boolean;
	/**
	 * A field's list or lines, when it has several: a slot that takes several values gets one
	 * input per entry; any other slot gets `value` whole.
	 */
	entries?: string[];
}

/** An element of a FLORA canvas, given by its ID instead of a URL. */
export const ELEMENT_ID = /^el_\S+$/;

/** The run inputs, from the technique's fields, the fixed collection or JSON, checked before any request. */
export function readInputs(context: IExecuteFunctions, itemIndex: number): DraftInput[] {
	const source = context.getNodeParameter('inputsSource', itemIndex, 'manual') as string;
	const node = context.getNode();
	if (source === 'fields') return readSchemaInputs(context, itemIndex);
	let entries: unknown[];
	if (source === 'json') {
		const rawJson = readInputParameter(context, 'inputsJson', 'Inputs (JSON)', itemIndex, '[]');
		let parsed: unknown = rawJson;
		if (typeof rawJson === 'string') {
			try {
				parsed = JSON.parse(rawJson);
			} catch (error) {
				throw new NodeOperationError(node, 'Inputs (JSON) is not valid JSON', {
					itemIndex,
					description: `${(error as Error).message}. Give a JSON array such as [{"id": "prompt", "type": "text", "value": "a red chair"}].`,
				});
			}
		}
		if (!Array.isArray(parsed)) {
			throw new NodeOperationError(node, 'Inputs (JSON) must be a JSON array', {
				itemIndex,
				description:
					'Give an array of inputs such as [{"id": "prompt", "type": "text", "value": "a red chair"}].',
			});
		}
		entries = parsed;
	} else {
		const collection = readInputParameter(context, 'inputs', 'Inputs', itemIndex, {}) as {
			input?: unknown[];
		};
		entries = collection.input ?? [];
	}
	if (entries.length === 0) {
		throw new NodeOperationError(node, 'The technique needs at least one input', {
			itemIndex,
			description:
				'Add an input under "Inputs" with the slot ID of the technique, its type and a value.',
		});
	}
	// A slot given twice is checked against the technique: a slot that takes several may be.
	const inputs = entries.map((entry, position) => checkInput(context, entry, position, itemIndex));
	return inputs;
}

function checkInput(
	context: IExecuteFunctions,
	entry: unknown,
	position: number,
	itemIndex: number,
): DraftInput {
	const node = context.getNode();
	const label = `Input ${position + 1}`;
	if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
		throw new NodeOperationError(node, `${label} is not an object`, {
			itemIndex,
			description: 'Each input is an object with "id", "type" and "value".',
		});
	}
	const { id, type, value, ...rest } = entry as Record<string, unknown>;
	const extra = Object.keys(rest);
	if (extra.length > 0) {
		throw new NodeOperationError(node, `${label} has unknown fields: ${extra.join(', ')}`, {
			itemIndex,
			description: 'Each input has exactly "id", "type" and "value".',
		});
	}
	const inputId = typeof id === 'string' ? id.trim() : '';
	if (inputId === '') {
		throw new NodeOperationError(node, `${label} has no ID`, {
			itemIndex,
			description:
				'Set the input\'s ID to the slot ID the technique expects (for example "prompt").',
		});
	}
	if (!RUN_INPUT_TYPES.includes(type as RunInputType)) {
		throw new NodeOperationError(node, `Input "${inputId}" has an unknown type "${String(type)}"`, {
			itemIndex,
			description: `Use one of: ${RUN_INPUT_TYPES.join(', ')}.`,
		});
	}
	if (value === undefined || value === null || String(value).trim() === '') {
		throw new NodeOperationError(node, `Input "${inputId}" has no value`, {
			itemIndex,
			description:
				type === 'text'
					? 'Give the text for this input, or remove the input if the technique does not need it.'
					: 'Give a public URL of the file for this input.',
		});
	}
	const text = inputText(context, value, `Input "${inputId}"`, itemIndex);
	return checkValue(
		context,
		{ id: inputId, label: `"${inputId}"`, type: type as RunInputType, value: text },
		itemIndex,
	);
}

/** How messages name what a media input takes. */
const MEDIA_KINDS: Record<string, string> = { imageUrl: 'image', videoUrl: 'video' };

/**
 * How messages name an input of the technique's fields: the name the builder sees (the field's
 * label without the kind in brackets that follows it), then its slot ID.
 */
export function fieldLabel(displayName: string, id: string): string {
	const name = displayName.replace(/\s*\([^)]*\)\s*$/, '').trim() || id;
	return name === id ? `"${id}"` : `"${name}" (${id})`;
}

/** Media inputs take a URL or `binary:<property>`; a binary file is checked here, before any request. */
export function checkValue(
	context: IExecuteFunctions,
	input: DraftInput,
	itemIndex: number,
): DraftInput {
	const { type, value } = input;
	if (type === 'text') return input;
	const trimmed = value.trim();
	if (ELEMENT_ID.test(trimmed)) return { ...input, value: trimmed, element: true };
	const binaryProperty = binaryPropertyOf(trimmed);
	if (binaryProperty !== undefined) {
		checkBinaryInput(context, itemIndex, input.label, binaryProperty, type);
		return { ...input, value: trimmed, binaryProperty };
	}
	if (type !== undefined && !/^https?:\/\/\S+$/i.test(trimmed)) {
		const kind = MEDIA_KINDS[type] ?? 'file';
		throw new NodeOperationError(context.getNode(), `The input ${input.label} is not a URL`, {
			itemIndex,
			description: `An ${kind} input takes a public http(s) URL of the ${kind}, or binary:data (binary: and the binary field name) for a file of the item, not "${trimmed.slice(0, 80)}".`,
		});
	}
	return { ...input, value: trimmed };
}

/** Inputs from the technique's schema (the resource mapper): required slots must have a value. */
function readSchemaInputs(context: IExecuteFunctions, itemIndex: number): DraftInput[] {
	const mapping = readInputParameter(
		context,
		'inputFields',
		'Inputs',
		itemIndex,
		{},
	) as Partial<ResourceMapperValue>;
	const values = mapping.value ?? {};
	const schema = mapping.schema ?? [];
	const inputs: DraftInput[] = [];
	for (const field of schema) {
		if (field.removed || field.id === TOOL_SUMMARY_ID) continue;
		const raw = values[field.id];
		const label = fieldLabel(field.displayName, field.id);
		const value =
			raw === undefined || raw === null
				? ''
				: inputText(context, raw, `The input ${label}`, itemIndex);
		const several = Array.isArray(raw) || /\n/.test(value);
		const entries = several
			? inputValues(context, raw, `The input ${label}`, itemIndex, true)
			: undefined;
		if (value.trim() === '' || entries?.length === 0) {
			if (field.required) {
				throw new NodeOperationError(context.getNode(), `The input ${label} is required`, {
					itemIndex,
					description: `Give the technique's input slot "${field.id}" a value: the technique needs it to run.`,
				});
			}
			continue;
		}
		// Several entries are checked one by one once the slot is known to take several.
		inputs.push(
			entries
				? { id: field.id, label, value, entries }
				: checkValue(context, { id: field.id, label, value }, itemIndex),
		);
	}
	if (inputs.length === 0) {
		throw new NodeOperationError(context.getNode(), 'The technique needs at least one input', {
			itemIndex,
			description: 'Fill in the technique\'s inputs under "Inputs".',
		});
	}
	return inputs;
}
