/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * A small streaming multipart/form-data parser: part bodies are handed out chunk by chunk as
 * they arrive, so a 500 MB file part is never held in memory. Only what the simulator needs
 * (RFC 7578 form data, no nested multipart, no transfer encodings).
 */
import { Writable } from 'node:stream';

export interface PartInfo {
	name: string;
	filename?: string;
	contentType?: string;
	headers: Record<string, string>;
}

export interface MultipartHandlers {
	onPartStart(part: PartInfo): void;
	/** May return a promise (e.g. a disk write waiting for drain): parsing pauses until it settles. */
	onPartData(data: Buffer): void | Promise<void>;
	onPartEnd(): void;
}

export function boundaryOf(contentType: string | undefined): string | null {
	if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return null;
	const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
	return m ? (m[1] ?? m[2]).trim() : null;
}

function parseHeaders(block: string): PartInfo {
	const headers: Record<string, string> = {};
	for (const line of block.split('\r\n')) {
		const i = line.indexOf(':');
		if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
	}
	const cd = headers['content-disposition'] ?? '';
	const name = /\bname="([^"]*)"/i.exec(cd)?.[1] ?? /\bname=([^;\s]+)/i.exec(cd)?.[1] ?? '';
	const filename = /\bfilename="([^"]*)"/i.exec(cd)?.[1] ?? /\bfilename=([^;\s]+)/i.exec(cd)?.[1];
	return { name, filename, contentType: headers['content-type'], headers };
}

type State = 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'done';

export class MultipartParser extends Writable {
	private readonly delimiter: Buffer;
	private buf: Buffer;
	private state: State = 'preamble';
	/** True once the closing boundary was seen. */
	complete = false;
	error: string | null = null;
	private pending: Promise<void>[] = [];

	constructor(
		boundary: string,
		private readonly handlers: MultipartHandlers,
	) {
		super();
		this.delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
		// Pretend the body starts with CRLF so the first boundary matches the delimiter too.
		this.buf = Buffer.from('\r\n', 'latin1');
	}

	_write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
		try {
			this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
			this.process();
		} catch (e) {
			this.error = (e as Error).message;
			this.state = 'done';
		}
		const waits = this.pending;
		this.pending = [];
		if (waits.length === 0) cb();
		else
			Promise.all(waits).then(
				() => cb(),
				(e: Error) => cb(e),
			);
	}

	_final(cb: (err?: Error | null) => void): void {
		if (!this.complete && !this.error)
			this.error = 'multipart body ended before the closing boundary';
		cb();
	}

	private emitData(data: Buffer): void {
		const r = this.handlers.onPartData(data);
		if (r) this.pending.push(r);
	}

	private process(): void {
		for (;;) {
			if (this.state === 'done') {
				this.buf = Buffer.alloc(0);
				return;
			}
			if (this.state === 'preamble') {
				const i = this.buf.indexOf(this.delimiter);
				if (i < 0) {
					this.buf = this.buf.subarray(Math.max(0, this.buf.length - this.delimiter.length + 1));
					return;
				}
				this.buf = this.buf.subarray(i + this.delimiter.length);
				this.state = 'afterBoundary';
				continue;
			}
			if (this.state === 'afterBoundary') {
				if (this.buf.length < 2) return;
				const two = this.buf.toString('latin1', 0, 2);
				if (two === '--') {
					this.complete = true;
					this.state = 'done';
					continue;
				}
				// Tolerate transport padding (spaces/tabs) before the CRLF.
				const crlf = this.buf.indexOf('\r\n');
				if (crlf < 0) {
					if (this.buf.length > 1024) throw new Error('malformed boundary line');
					return;
				}
				this.buf = this.buf.subarray(crlf + 2);
				this.state = 'headers';
				continue;
			}
			if (this.state === 'headers') {
				const end = this.buf.indexOf('\r\n\r\n');
				if (end < 0) {
					if (this.buf.length > 16 * 1024) throw new Error('part headers too long');
					return;
				}
				const info = parseHeaders(this.buf.toString('utf8', 0, end));
				this.buf = this.buf.subarray(end + 4);
				this.handlers.onPartStart(info);
				this.state = 'body';
				continue;
			}
			// body
			const i = this.buf.indexOf(this.delimiter);
			if (i < 0) {
				const safe = this.buf.length - this.delimiter.length + 1;
				if (safe > 0) {
					this.emitData(this.buf.subarray(0, safe));
					this.buf = this.buf.subarray(safe);
				}
				return;
			}
			if (i > 0) this.emitData(this.buf.subarray(0, i));
			this.handlers.onPartEnd();
			this.buf = this.buf.subarray(i + this.delimiter.length);
			this.state = 'afterBoundary';
		}
	}
}
