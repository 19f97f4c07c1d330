import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { WaitOptions } from '../../shared/runs/options';
import { refusedByFlora } from '../../shared/runs/publicAddress';
import type { SpendingLimit } from './spendingGuard';
import { readSpendingLimit } from './spendingGuard';

export const CONCURRENCY_RANGE = { min: 1, max: 50 };

/** The options of Technique → Run (and, in part, Run → Wait), read and checked before any request. */
export interface RunOptions extends WaitOptions, SpendingLimit {
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
	const options = context.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const callbackUrl = typeof options.callbackUrl === 'string' ? options.callbackUrl.trim() : '';
	if (callbackUrl !== '') {
		const refused = refusedByFlora(callbackUrl);
		if (refused?.reason === 'notHttps') {
			throw new NodeOperationError(context.getNode(), 'Callback URL must be an https:// address', {
				itemIndex,
				description: `FLORA only calls public HTTPS URLs; "${callbackUrl}" is not one. Use the HTTPS production URL of a FLORA Trigger or another webhook.`,
			});
		}
		if (refused?.reason === 'localOrPrivate') {
			throw new NodeOperationError(
				context.getNode(),
				`Callback URL points to ${refused.host}, which FLORA cannot call`,
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
		...readSpendingLimit(context, options, itemIndex),
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
