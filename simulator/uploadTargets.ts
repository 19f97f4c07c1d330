/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * The media host's signed upload targets, like S3/GCS: POST /uploads/{assetId} takes a
 * multipart form whose signed policy fields precede the file; PUT /uploads/{assetId}?token=…
 * takes the raw bytes. Files are written to the simulator's temporary directory as they arrive.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createWriteStream, rmSync, type WriteStream } from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';

import { unb64url } from './encoding';
import { firstHeader } from './http';
import { pngDimensions } from './media';
import { MultipartParser, boundaryOf } from './multipart';
import type { AssetState, SimState } from './state';

/** The signature of an upload policy (form field x-flora-signature). */
export function signUploadPolicy(secret: string, policy: string): string {
	return createHmac('sha256', secret).update(policy).digest('hex');
}

export class UploadTargets {
	constructor(private readonly s: SimState) {}

	private uploadError(
		res: http.ServerResponse,
		req: http.IncomingMessage,
		status: number,
		code: string,
		message: string,
	): void {
		req.resume();
		const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;
		res.writeHead(status, { 'content-type': 'application/xml', connection: 'close' });
		res.end(xml);
	}

	async receive(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		assetId: string,
		method: string,
		url: URL,
	): Promise<void> {
		const a = this.s.assets.get(assetId);
		if (!a || a.uploaded_via !== 'signed_url')
			return this.uploadError(res, req, 404, 'NoSuchUpload', 'Unknown upload target.');
		if (a.status !== 'pending_upload')
			return this.uploadError(res, req, 409, 'InvalidState', 'This upload was already completed.');
		if (a.expires_at && Date.parse(a.expires_at) < Date.now())
			return this.uploadError(res, req, 403, 'AccessDenied', 'Upload policy expired.');
		const filePath = path.join(this.s.tmpDir, `${assetId}-${++this.s.tmpSeq}`);
		const hash = createHash('sha256');
		let size = 0;
		let head = Buffer.alloc(0);
		let out: WriteStream | null = null;
		const write = (d: Buffer): Promise<void> | void => {
			size += d.length;
			hash.update(d);
			if (head.length < 24) head = Buffer.concat([head, d.subarray(0, 24 - head.length)]);
			if (!out!.write(d)) return new Promise<void>((r) => out!.once('drain', () => r()));
		};
		const closeOut = () => new Promise<void>((r) => (out ? out.end(() => r()) : r()));

		if (method === 'PUT') {
			if (url.searchParams.get('token') !== a.uploadToken)
				return this.uploadError(res, req, 403, 'AccessDenied', 'Invalid upload token.');
			out = createWriteStream(filePath);
			for await (const chunk of req) {
				const w = write(chunk as Buffer);
				if (w) await w;
			}
			await closeOut();
			this.acceptUpload(
				a,
				filePath,
				size,
				hash.digest('hex'),
				head,
				firstHeader(req.headers['content-type']) ?? a.content_type,
				'signed-put',
			);
			res.writeHead(200, { etag: `"${a.sha256}"` });
			res.end();
			return;
		}

		const boundary = boundaryOf(req.headers['content-type']);
		if (!boundary)
			return this.uploadError(res, req, 400, 'InvalidRequest', 'Expected multipart/form-data.');
		const fields: Record<string, string> = {};
		let fieldBuf: Buffer[] = [];
		let inFile = false;
		let fileSeen = false;
		let fileContentType: string | undefined;
		let fileName: string | undefined;
		let early: string | null = null;
		let curName = '';
		const parser = new MultipartParser(boundary, {
			onPartStart: (p) => {
				curName = p.name;
				fieldBuf = [];
				inFile = false;
				if (p.name === 'file' && !fileSeen) {
					// Fields must come before the file (as with S3/GCS POST policies).
					if (fields.policy === undefined || fields['x-flora-signature'] === undefined)
						early = 'Form fields must precede the file.';
					inFile = true;
					fileSeen = true;
					fileContentType = p.contentType;
					fileName = p.filename;
					out = createWriteStream(filePath);
				}
			},
			onPartData: (d) => {
				if (inFile) return write(d);
				if (curName !== 'file') fieldBuf.push(Buffer.from(d));
			},
			onPartEnd: () => {
				if (!inFile && curName !== 'file')
					fields[curName] = Buffer.concat(fieldBuf).toString('utf8');
				inFile = false;
			},
		});
		await new Promise<void>((resolve) => {
			parser.on('finish', () => resolve());
			parser.on('error', () => resolve());
			req.on('aborted', () => resolve());
			req.pipe(parser);
		});
		await closeOut();
		const fail = (status: number, code: string, msg: string) => {
			rmSync(filePath, { force: true });
			this.uploadError(res, req, status, code, msg);
		};
		if (parser.error) return fail(400, 'MalformedPOSTRequest', parser.error);
		if (early) return fail(400, 'InvalidArgument', early);
		const policy = fields.policy;
		const sig = fields['x-flora-signature'];
		const expectedSig = policy ? signUploadPolicy(this.s.uploadSecret, policy) : '';
		if (
			!policy ||
			!sig ||
			sig.length !== expectedSig.length ||
			!timingSafeEqual(Buffer.from(sig), Buffer.from(expectedSig))
		) {
			return fail(403, 'AccessDenied', 'Invalid upload policy signature.');
		}
		const pol = unb64url(policy) as { asset_id?: string; expires_at?: string } | null;
		if (pol?.asset_id !== a.asset_id)
			return fail(403, 'AccessDenied', 'Policy is for another asset.');
		if (pol.expires_at !== a.expires_at)
			return fail(403, 'AccessDenied', 'Policy is for an earlier upload reservation.');
		if (fields.key !== `workspaces/${a.workspace_id}/assets/${a.asset_id}/${a.file_name}`)
			return fail(403, 'AccessDenied', 'Key does not match the policy.');
		if (!fileSeen) return fail(400, 'InvalidArgument', 'No file field.');
		this.acceptUpload(
			a,
			filePath,
			size,
			hash.digest('hex'),
			head,
			fileContentType ?? a.content_type,
			'signed-post',
			fileName,
		);
		res.writeHead(204, { etag: `"${a.sha256}"` });
		res.end();
	}

	private acceptUpload(
		a: AssetState,
		filePath: string,
		size: number,
		sha256: string,
		head: Buffer,
		contentType: string,
		via: 'signed-post' | 'signed-put',
		fileName?: string,
	): void {
		if (a.filePath && a.filePath !== filePath) rmSync(a.filePath, { force: true });
		a.filePath = filePath;
		a.size = size;
		a.sha256 = sha256;
		a.upload_content_type = contentType;
		const dims = pngDimensions(head);
		if (dims) {
			a.width = dims.width;
			a.height = dims.height;
		}
		this.s.uploads.push({
			assetId: a.asset_id,
			size,
			sha256,
			contentType,
			fileName: fileName ?? a.file_name,
			via,
			receivedAt: Date.now(),
		});
	}
}
