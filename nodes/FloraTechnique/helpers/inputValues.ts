import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { asNodeError } from '../../shared/flora/errors';

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

/** Idempotency keys travel in a header: printable ASCII, at most 255 characters. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

export function checkIdempotencyKey(
	context: IExecuteFunctions,
	key: string,
	itemIndex: number,
): string {
	const printable = /^[\x20-\x7E]+$/.test(key);
	if (printable && key.length <= IDEMPOTENCY_KEY_MAX_LENGTH) return key;
	throw new NodeOperationError(
		context.getNode(),
		printable
			? `Idempotency Key is ${key.length} characters long; FLORA takes at most ${IDEMPOTENCY_KEY_MAX_LENGTH}`
			: 'Idempotency Key may only hold printable ASCII characters',
		{
			itemIndex,
			description:
				'The key is sent in the Idempotency-Key header. Use letters, digits and simple punctuation such as "campaign-2026-001" (no line breaks, accents or emoji), or leave it empty so that the node makes one per item.',
		},
	);
}

/** Hosts FLORA refuses to call: localhost, and loopback, private or link-local addresses. */
export function isLocalOrPrivateHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost')) return true;
	// WHATWG URL parsing has already written any IPv4 form as four decimal parts.
	if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
		const [a, b] = host.split('.').map(Number);
		return (
			a === 0 ||
			a === 10 ||
			a === 127 ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			(a === 100 && b >= 64 && b <= 127)
		);
	}
	if (host.includes(':')) {
		const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
		if (mapped) return isLocalOrPrivateHost(mapped[1]);
		return host === '::' || host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
	}
	return false;
}
