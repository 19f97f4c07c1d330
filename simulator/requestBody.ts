/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** Reading an API request's body: JSON (or raw text), or a multipart direct upload (POST /assets). */
import { createHash } from 'node:crypto';
import type * as http from 'node:http';

import { DIRECT_UPLOAD_MAX_BYTES } from './assetTypes';
import { MultipartParser, boundaryOf } from './multipart';
import type { RequestFacts } from './spec';

export const JSON_BODY_LIMIT = 16 * 1024 * 1024;

export interface ParsedBody {
	kind: RequestFacts['bodyKind'];
	value?: unknown;
	/** Multipart: fields and the file part. */
	multipart?: {
		fields: Record<string, string>;
		file?: {
			field: string;
			filename?: string;
			contentType?: string;
			size: number;
			sha256: string;
			data: Buffer | null;
		};
		error?: string;
	};
	tooLarge?: boolean;
}

export function readRaw(
	req: http.IncomingMessage,
	limit: number,
): Promise<{ buf: Buffer; tooLarge: boolean }> {
	return new Promise((resolve, reject) => {
		const parts: Buffer[] = [];
		let size = 0;
		let tooLarge = false;
		req.on('data', (c: Buffer) => {
			size += c.length;
			if (size > limit) tooLarge = true;
			else parts.push(c);
		});
		req.on('end', () => resolve({ buf: Buffer.concat(parts), tooLarge }));
		req.on('error', reject);
		req.on('aborted', () => resolve({ buf: Buffer.concat(parts), tooLarge }));
	});
}

export async function readBody(
	req: http.IncomingMessage,
	routeKey: string | null,
): Promise<ParsedBody> {
	const ct = (req.headers['content-type'] ?? '').toLowerCase();
	const boundary = boundaryOf(req.headers['content-type']);
	if (boundary && routeKey === 'POST /assets') return readDirectUpload(req, boundary);
	const { buf, tooLarge } = await readRaw(req, JSON_BODY_LIMIT);
	if (tooLarge) return { kind: 'other', tooLarge: true };
	if (buf.length === 0) return { kind: 'none' };
	const text = buf.toString('utf8');
	if (ct === '' || /^application\/([\w.+-]*\+)?json\b/.test(ct)) {
		try {
			return { kind: 'json', value: JSON.parse(text) };
		} catch {
			return { kind: 'invalid-json', value: text.slice(0, 2000) };
		}
	}
	return { kind: 'other', value: text.slice(0, 2000) };
}

/** Multipart POST /assets: fields in memory, the file part hashed as it streams (kept only up to 4 MB). */
function readDirectUpload(req: http.IncomingMessage, boundary: string): Promise<ParsedBody> {
	const fields: Record<string, string> = {};
	let file: NonNullable<ParsedBody['multipart']>['file'];
	let cur: {
		name: string;
		filename?: string;
		contentType?: string;
		chunks: Buffer[];
		size: number;
		hash: ReturnType<typeof createHash>;
	} | null = null;
	const parser = new MultipartParser(boundary, {
		onPartStart: (p) => {
			cur = {
				name: p.name,
				filename: p.filename,
				contentType: p.contentType,
				chunks: [],
				size: 0,
				hash: createHash('sha256'),
			};
		},
		onPartData: (d) => {
			if (!cur) return;
			cur.size += d.length;
			cur.hash.update(d);
			if (cur.size <= DIRECT_UPLOAD_MAX_BYTES + 1) cur.chunks.push(Buffer.from(d));
		},
		onPartEnd: () => {
			const c = cur;
			cur = null;
			if (!c) return;
			if (c.filename !== undefined || c.name === 'file') {
				if (!file)
					file = {
						field: c.name,
						filename: c.filename,
						contentType: c.contentType,
						size: c.size,
						sha256: c.hash.digest('hex'),
						data: c.size <= DIRECT_UPLOAD_MAX_BYTES ? Buffer.concat(c.chunks) : null,
					};
			} else fields[c.name] = Buffer.concat(c.chunks).toString('utf8');
		},
	});
	return new Promise((resolve) => {
		const done = () =>
			resolve({
				kind: 'multipart',
				multipart: { fields, file, error: parser.error ?? undefined },
				value: {
					fields,
					files: file
						? [
								{
									field: file.field,
									filename: file.filename,
									contentType: file.contentType,
									size: file.size,
								},
							]
						: [],
				},
			});
		parser.on('finish', done);
		parser.on('error', done);
		req.on('aborted', done);
		req.pipe(parser);
	});
}
