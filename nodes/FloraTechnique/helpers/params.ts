import type {
	IExecuteFunctions,
	INodeParameterResourceLocator,
	ResourceMapperValue,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { binaryPropertyOf, checkBinaryInput } from './binary';
import {
	checkIdempotencyKey,
	inputText,
	isLocalOrPrivateHost,
	readInputParameter,
} from './inputValues';
import type { RunInputType } from '../../shared/flora/types';
import { RUN_INPUT_TYPES } from '../../shared/flora/types';

export const TECHNIQUE_URL_REGEX =
	'https://app\\.flora\\.ai/techniques/([A-Za-z0-9][A-Za-z0-9_-]*)';
export const TECHNIQUE_ID_REGEX = '(tech_\\S+|[a-z0-9][a-z0-9-]*)';

/** The technique id or slug a resource locator names, checked before any request. */
export function readTechnique(context: IExecuteFunctions, itemIndex: number): string {
	const locator = context.getNodeParameter('technique', itemIndex, '', {
		extractValue: false,
	}) as INodeParameterResourceLocator | string;
	const mode = typeof locator === 'string' ? 'id' : locator.mode;
	const raw = String(typeof locator === 'string' ? locator : (locator.value ?? '')).trim();
	if (raw === '') {
		throw new NodeOperationError(context.getNode(), 'No technique chosen', {
			itemIndex,
			description: 'Set "Technique" to a technique ID (tech_…), its slug, or its FLORA URL.',
		});
	}
	if (mode === 'url') {
		const match = raw.match(new RegExp(`^${TECHNIQUE_URL_REGEX}/?(?:[?#].*)?$`));
		if (!match) {
			throw new NodeOperationError(context.getNode(), `"${raw}" is not a FLORA technique URL`, {
				itemIndex,
				description:
					'Paste the address of the technique as FLORA shows it: https://app.flora.ai/techniques/<slug>.',
			});
		}
		return match[1];
	}
	if (!new RegExp(`^${TECHNIQUE_ID_REGEX}$`).test(raw)) {
		throw new NodeOperationError(context.getNode(), `"${raw}" is not a technique ID or slug`, {
			itemIndex,
			description:
				'A technique ID starts with "tech_"; a slug is lower-case words joined by dashes, like "product-shot".',
		});
	}
	return raw;
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
}

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
	const inputs = entries.map((entry, position) => checkInput(context, entry, position, itemIndex));
	const first = new Map<string, number>();
	inputs.forEach((input, position) => {
		const earlier = first.get(input.id);
		if (earlier === undefined) {
			first.set(input.id, position);
			return;
		}
		throw new NodeOperationError(node, `Input "${input.id}" is given twice`, {
			itemIndex,
			description: `Inputs ${earlier + 1} and ${position + 1} both fill the slot "${input.id}"; each slot of the technique takes one value. Remove one of them.`,
		});
	});
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

/** Media inputs take a URL or `binary:<property>`; a binary file is checked here, before any request. */
export function checkValue(
	context: IExecuteFunctions,
	input: DraftInput,
	itemIndex: number,
): DraftInput {
	const { type, value } = input;
	if (type === 'text') return input;
	const trimmed = value.trim();
	const binaryProperty = binaryPropertyOf(trimmed);
	if (binaryProperty !== undefined) {
		checkBinaryInput(context, itemIndex, input.id, binaryProperty, type);
		return { ...input, value: trimmed, binaryProperty };
	}
	if (type !== undefined && !/^https?:\/\/\S+$/i.test(trimmed)) {
		throw new NodeOperationError(context.getNode(), `Input ${input.label} is not a URL`, {
			itemIndex,
			description: `A ${type} input takes a public http(s) URL of the file or "binary:" and a binary field name (like binary:data) for a file of the item, not "${trimmed.slice(0, 80)}".`,
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
		if (field.removed) continue;
		const raw = values[field.id];
		const value =
			raw === undefined || raw === null
				? ''
				: inputText(context, raw, `The input "${field.displayName}"`, itemIndex);
		if (value.trim() === '') {
			if (field.required) {
				throw new NodeOperationError(
					context.getNode(),
					`The input "${field.displayName}" is required`,
					{
						itemIndex,
						description: `Give a value for the technique's input slot "${field.id}".`,
					},
				);
			}
			continue;
		}
		inputs.push(checkValue(context, { id: field.id, label: `"${field.id}"`, value }, itemIndex));
	}
	if (inputs.length === 0) {
		throw new NodeOperationError(context.getNode(), 'The technique needs at least one input', {
			itemIndex,
			description: 'Fill in the technique\'s inputs under "Inputs".',
		});
	}
	return inputs;
}

export interface WaitOptions {
	pollIntervalMs?: number;
	timeoutMs: number;
	onTimeout: 'error' | 'returnRun';
}

export const CONCURRENCY_RANGE = { min: 1, max: 50 };

export interface RunOptions extends WaitOptions {
	/** How many items' runs are started and waited for at once. */
	concurrency: number;
	callbackUrl?: string;
	idempotencyKey?: string;
	outputLayout: 'perOutput' | 'perRun';
	/** The binary property to download outputs into; undefined leaves them as URLs. */
	downloadInto?: string;
}

export const POLL_INTERVAL_RANGE = { min: 0.5, max: 300 };
export const TIMEOUT_RANGE = { min: 1, max: 86_400 };

function numberInRange(
	context: IExecuteFunctions,
	name: string,
	value: unknown,
	range: { min: number; max: number },
	itemIndex: number,
): number {
	const number = Number(value);
	if (!Number.isFinite(number) || number < range.min || number > range.max) {
		throw new NodeOperationError(
			context.getNode(),
			`${name} must be between ${range.min} and ${range.max} seconds`,
			{
				itemIndex,
				description: `It is set to "${String(value)}".`,
			},
		);
	}
	return number;
}

function readWaitOptions(
	context: IExecuteFunctions,
	itemIndex: number,
	options: Record<string, unknown>,
): WaitOptions {
	const pollInterval =
		options.pollInterval === undefined || options.pollInterval === ''
			? undefined
			: numberInRange(
					context,
					'Poll Interval',
					options.pollInterval,
					POLL_INTERVAL_RANGE,
					itemIndex,
				);
	const timeout = numberInRange(
		context,
		'Timeout',
		options.timeout ?? 600,
		TIMEOUT_RANGE,
		itemIndex,
	);
	return {
		pollIntervalMs: pollInterval === undefined ? undefined : pollInterval * 1000,
		timeoutMs: timeout * 1000,
		onTimeout: options.onTimeout === 'returnRun' ? 'returnRun' : 'error',
	};
}

export function readRunOptions(context: IExecuteFunctions, itemIndex: number): RunOptions {
	const options = context.getNodeParameter('options', itemIndex, {}) as Record<string, unknown>;
	const callbackUrl = typeof options.callbackUrl === 'string' ? options.callbackUrl.trim() : '';
	if (callbackUrl !== '') {
		let url: URL | undefined;
		try {
			url = new URL(callbackUrl);
		} catch {
			url = undefined;
		}
		if (url?.protocol !== 'https:') {
			throw new NodeOperationError(context.getNode(), 'Callback URL must be an https:// address', {
				itemIndex,
				description: `FLORA only calls public HTTPS URLs; "${callbackUrl}" is not one. Use the HTTPS production URL of a FLORA Trigger or another webhook.`,
			});
		}
		if (isLocalOrPrivateHost(url.hostname)) {
			throw new NodeOperationError(
				context.getNode(),
				`Callback URL points to ${url.hostname}, which FLORA cannot call`,
				{
					itemIndex,
					description:
						'FLORA refuses callback addresses on localhost and on loopback, private or link-local IP addresses. Use the public HTTPS address of your n8n (the production URL of a FLORA Trigger, behind a reverse proxy or tunnel).',
				},
			);
		}
	}
	const rawKey = typeof options.idempotencyKey === 'string' ? options.idempotencyKey.trim() : '';
	const idempotencyKey = rawKey === '' ? '' : checkIdempotencyKey(context, rawKey, itemIndex);
	return {
		...readWaitOptions(context, itemIndex, options),
		callbackUrl: callbackUrl || undefined,
		idempotencyKey: idempotencyKey || undefined,
		outputLayout: options.outputLayout === 'perRun' ? 'perRun' : 'perOutput',
		concurrency: readConcurrency(context, options.concurrency, itemIndex),
		downloadInto: options.download
			? readBinaryPropertyName(context, options.binaryPropertyName, itemIndex)
			: undefined,
	};
}

function readConcurrency(context: IExecuteFunctions, value: unknown, itemIndex: number): number {
	if (value === undefined || value === '') return DEFAULT_CONCURRENCY;
	const number = Number(value);
	if (
		!Number.isInteger(number) ||
		number < CONCURRENCY_RANGE.min ||
		number > CONCURRENCY_RANGE.max
	) {
		throw new NodeOperationError(
			context.getNode(),
			`Concurrency must be a whole number between ${CONCURRENCY_RANGE.min} and ${CONCURRENCY_RANGE.max}`,
			{ itemIndex, description: `It is set to "${String(value)}".` },
		);
	}
	return number;
}

export const DEFAULT_CONCURRENCY = 5;

function readBinaryPropertyName(
	context: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
): string {
	const name = typeof value === 'string' && value.trim() !== '' ? value.trim() : 'data';
	if (!/^[A-Za-z0-9_-]+$/.test(name)) {
		throw new NodeOperationError(context.getNode(), `"${name}" is not a usable binary field name`, {
			itemIndex,
			description: 'Use letters, digits, "_" and "-" only, for example "data".',
		});
	}
	return name;
}

export function readWorkspace(context: IExecuteFunctions, itemIndex: number): string | undefined {
	const locator = context.getNodeParameter('workspace', itemIndex, '', { extractValue: true }) as
		| INodeParameterResourceLocator
		| string;
	const value = String(typeof locator === 'string' ? locator : (locator?.value ?? '')).trim();
	if (value === '') return undefined;
	return readPrefixedId(context, value, 'ws', 'Upload Workspace', itemIndex);
}

/** `undefined` means every page. */
export function readLimit(context: IExecuteFunctions, itemIndex: number): number | undefined {
	if (context.getNodeParameter('returnAll', itemIndex, false)) return undefined;
	const limit = Number(context.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) {
		throw new NodeOperationError(context.getNode(), 'Limit must be a whole number of at least 1', {
			itemIndex,
			description: `It is set to "${String(limit)}". Or turn on "Return All".`,
		});
	}
	return limit;
}

/** A FLORA id of the given prefix (`run`, `ws`, `prj`, …), checked before it is sent. */
export function readPrefixedId(
	context: IExecuteFunctions,
	value: unknown,
	prefix: string,
	label: string,
	itemIndex: number,
): string {
	const id = typeof value === 'string' ? value.trim() : '';
	if (!new RegExp(`^${prefix}_\\S+$`).test(id)) {
		throw new NodeOperationError(context.getNode(), `${label} must start with "${prefix}_"`, {
			itemIndex,
			description: id === '' ? `Give the ${label}.` : `"${id}" is not a ${label}.`,
		});
	}
	return id;
}

/** The technique and run ID that Run → Get and Run → Wait read. */
export function readRunReference(context: IExecuteFunctions, itemIndex: number) {
	return {
		technique: readTechnique(context, itemIndex),
		runId: readPrefixedId(
			context,
			context.getNodeParameter('runId', itemIndex),
			'run',
			'Run ID',
			itemIndex,
		),
	};
}
