import { createHmac, timingSafeEqual } from 'crypto';

/**
 * Verification of FLORA's webhook signature (`Flora-Signature: t=<unix seconds>,v1=<hex>`).
 *
 * FLORA signs `<t>.<raw body>` with HMAC-SHA256, keyed with the workspace signing secret
 * exactly as shown to the user (`whsec_…`, prefix included, used as UTF-8 bytes: not
 * base64-decoded), and sends the hex digest as `v1`. Several `v1=` values may appear (while
 * a secret is being rotated): any one that matches is enough. Only the exact bytes that
 * arrived may be verified: a body parsed and serialised again is not the body FLORA signed.
 *
 * Kept free of any node: the FLORA Trigger and the FLORA Technique node's webhook resume
 * both use it. `crypto` is the one Node module n8n's community-node lint allows for this.
 */

export const FLORA_SIGNATURE_HEADER = 'flora-signature';
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

export type SignatureFailure = 'missing' | 'malformed' | 'stale' | 'mismatch' | 'no-secret';

export type SignatureCheck =
	| { valid: true; timestamp: number }
	| { valid: false; reason: SignatureFailure };

export interface VerifySignatureOptions {
	/** The request body exactly as received. */
	rawBody: Buffer | string;
	/** The `Flora-Signature` header as received (undefined when absent). */
	signatureHeader: string | string[] | undefined;
	/** The workspace signing secret (`whsec_…`). */
	secret: string;
	/** The current time in milliseconds since the epoch (`Date.now()`); for tests. */
	now?: number;
	/** How far the signed timestamp may lie from now, in either direction. Default 300 s. */
	toleranceSeconds?: number;
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;
const UNIX_SECONDS = /^\d{1,12}$/;

interface ParsedHeader {
	timestamp: number;
	signatures: string[];
}

/** `t=…,v1=…[,v1=…]`; unknown schemes (`v0=` and the like) are ignored. */
export function parseSignatureHeader(header: string): ParsedHeader | undefined {
	let timestamp: number | undefined;
	const signatures: string[] = [];
	for (const part of header.split(',')) {
		const separator = part.indexOf('=');
		if (separator < 0) continue;
		const key = part.slice(0, separator).trim();
		const value = part.slice(separator + 1).trim();
		if (key === 't') {
			if (!UNIX_SECONDS.test(value) || timestamp !== undefined) return undefined;
			timestamp = Number(value);
		} else if (key === 'v1' && HEX_SHA256.test(value)) {
			signatures.push(value.toLowerCase());
		}
	}
	if (timestamp === undefined || signatures.length === 0) return undefined;
	return { timestamp, signatures };
}

/** The hex signature FLORA would send for this body at this timestamp. */
export function signFloraPayload(rawBody: Buffer | string, secret: string, timestamp: number) {
	return createHmac('sha256', secret)
		.update(`${timestamp}.`)
		.update(typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody)
		.digest('hex');
}

export function verifyFloraSignature(options: VerifySignatureOptions): SignatureCheck {
	const secret = options.secret?.trim() ?? '';
	if (secret === '') return { valid: false, reason: 'no-secret' };

	const header = Array.isArray(options.signatureHeader)
		? options.signatureHeader.join(',')
		: options.signatureHeader;
	if (header === undefined || header.trim() === '') return { valid: false, reason: 'missing' };

	const parsed = parseSignatureHeader(header);
	if (!parsed) return { valid: false, reason: 'malformed' };

	const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
	const tolerance = options.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS;
	if (Math.abs(nowSeconds - parsed.timestamp) > tolerance) return { valid: false, reason: 'stale' };

	const expected = Buffer.from(signFloraPayload(options.rawBody, secret, parsed.timestamp), 'hex');
	let matched = false;
	for (const signature of parsed.signatures) {
		// Every candidate is compared, in constant time, whatever the earlier ones gave.
		if (timingSafeEqual(Buffer.from(signature, 'hex'), expected)) matched = true;
	}
	return matched
		? { valid: true, timestamp: parsed.timestamp }
		: { valid: false, reason: 'mismatch' };
}
