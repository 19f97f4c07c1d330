/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Real, valid media files for run outputs, generated with Node built-ins only:
 * PNG (a gradient, zlib-deflated), MP4 (ISO-BMFF: ftyp + moov/mvhd + mdat), MP3 (an ID3v2.4
 * tag then silent MPEG-1 Layer III frames) and PDF (one page of text, with an xref table).
 *
 * Every file can be padded to an exact byte size (for big-download tests) in a way that
 * keeps it valid: a private ancillary PNG chunk, a bigger mdat box, more MP3 frames plus
 * ID3 padding, an unreferenced PDF stream object. Files are produced as a generator of
 * chunks so that a 200 MB file is streamed, never held in memory.
 */
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';

export type MediaSlotType = 'imageUrl' | 'videoUrl' | 'audioUrl' | 'documentUrl';

export interface MediaFile {
	contentType: string;
	extension: string;
	/** Exact number of bytes `chunks()` yields. */
	size: number;
	chunks(): Generator<Buffer>;
}

export interface MediaOptions {
	/** Varies colours etc. so different outputs differ. */
	seed: string;
	/** Pad the file to this many bytes (never smaller than the natural size). */
	targetBytes?: number;
	/** Seconds of audio/video. */
	durationSeconds?: number;
	/** Text lines written into a PDF page. */
	lines?: string[];
}

export const MEDIA_TYPES: Record<MediaSlotType, { contentType: string; extension: string }> = {
	imageUrl: { contentType: 'image/png', extension: 'png' },
	videoUrl: { contentType: 'video/mp4', extension: 'mp4' },
	audioUrl: { contentType: 'audio/mpeg', extension: 'mp3' },
	documentUrl: { contentType: 'application/pdf', extension: 'pdf' },
};

const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

function* zeros(n: number): Generator<Buffer> {
	let left = n;
	while (left > 0) {
		const k = Math.min(left, CHUNK);
		yield k === CHUNK ? ZEROS : ZEROS.subarray(0, k);
		left -= k;
	}
}

// ---------------------------------------------------------------- CRC32
const CRC_TABLE = (() => {
	const t = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	return t;
})();

type Crc32Fn = (data: Buffer, value?: number) => number;
const nativeCrc32: Crc32Fn | undefined = (zlib as unknown as { crc32?: Crc32Fn }).crc32;

/** CRC-32 (IEEE), continuing from `prev` (the CRC of the bytes before). */
export function crc32(buf: Buffer, prev = 0): number {
	if (nativeCrc32) return nativeCrc32(buf, prev) >>> 0;
	let c = (prev ^ 0xffffffff) >>> 0;
	for (let i = 0; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

function seedBytes(seed: string): Buffer {
	return createHash('sha256').update(seed).digest();
}

// ---------------------------------------------------------------- PNG
function pngChunk(type: string, data: Buffer): Buffer {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_PAD_TYPE = 'flPd'; // ancillary, private, safe-to-copy: decoders skip it
const PNG_MAX_PAD_CHUNK = 1 << 30;

export function makePng(opts: MediaOptions, width = 256, height = 256): MediaFile {
	const s = seedBytes(opts.seed);
	const raw = Buffer.alloc((width * 3 + 1) * height);
	for (let y = 0; y < height; y++) {
		const row = y * (width * 3 + 1);
		raw[row] = 0; // filter: none
		for (let x = 0; x < width; x++) {
			const o = row + 1 + x * 3;
			raw[o] = (x + s[0]) & 0xff;
			raw[o + 1] = (y + s[1]) & 0xff;
			raw[o + 2] = ((x + y) / 2 + s[2]) & 0xff;
		}
	}
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // colour type RGB
	const head = Buffer.concat([
		PNG_SIGNATURE,
		pngChunk('IHDR', ihdr),
		pngChunk('IDAT', zlib.deflateSync(raw)),
	]);
	const iend = pngChunk('IEND', Buffer.alloc(0));
	const natural = head.length + iend.length;
	// Padding chunks (12 bytes of overhead each).
	const padChunks: number[] = [];
	if (opts.targetBytes !== undefined && opts.targetBytes >= natural + 12) {
		let left = opts.targetBytes - natural;
		while (left >= 12) {
			const data = Math.min(left - 12, PNG_MAX_PAD_CHUNK);
			// Never leave a remainder that cannot hold a chunk: take it all into this one if < 12 would remain.
			const rest = left - 12 - data;
			const take = rest > 0 && rest < 12 ? data - (12 - rest) : data;
			padChunks.push(take);
			left -= take + 12;
		}
	}
	const size = natural + padChunks.reduce((a, n) => a + n + 12, 0);
	return {
		contentType: 'image/png',
		extension: 'png',
		size,
		*chunks() {
			yield head;
			for (const n of padChunks) {
				const len = Buffer.alloc(4);
				len.writeUInt32BE(n);
				const type = Buffer.from(PNG_PAD_TYPE, 'ascii');
				yield Buffer.concat([len, type]);
				let crc = crc32(type);
				for (const z of zeros(n)) {
					crc = crc32(z, crc);
					yield z;
				}
				const c = Buffer.alloc(4);
				c.writeUInt32BE(crc);
				yield c;
			}
			yield iend;
		},
	};
}

// ---------------------------------------------------------------- MP4
function box(type: string, ...payload: Buffer[]): Buffer {
	const body = Buffer.concat(payload);
	const h = Buffer.alloc(8);
	h.writeUInt32BE(8 + body.length, 0);
	h.write(type, 4, 'ascii');
	return Buffer.concat([h, body]);
}

export function makeMp4(opts: MediaOptions): MediaFile {
	const duration = Math.max(1, Math.round((opts.durationSeconds ?? 5) * 1000));
	const ftyp = box(
		'ftyp',
		Buffer.from('isom', 'ascii'),
		Buffer.from([0, 0, 2, 0]),
		Buffer.from('isomiso2mp41', 'ascii'),
	);
	const mvhd = Buffer.alloc(100);
	// version 0, flags 0, creation 0, modification 0
	mvhd.writeUInt32BE(1000, 12); // timescale
	mvhd.writeUInt32BE(duration, 16);
	mvhd.writeUInt32BE(0x00010000, 20); // rate 1.0
	mvhd.writeUInt16BE(0x0100, 24); // volume 1.0
	const matrix = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];
	matrix.forEach((v, i) => mvhd.writeUInt32BE(v >>> 0, 36 + i * 4));
	mvhd.writeUInt32BE(1, 96); // next_track_ID
	const moov = box('moov', box('mvhd', mvhd));
	const head = Buffer.concat([ftyp, moov]);
	const defaultPayload = 96 * 1024;
	let payload = defaultPayload;
	let large = false;
	if (opts.targetBytes !== undefined) {
		payload = Math.max(0, opts.targetBytes - head.length - 8);
		if (payload + 8 > 0xffffffff) {
			large = true;
			payload = opts.targetBytes - head.length - 16;
		}
	}
	const mdatHeader = Buffer.alloc(large ? 16 : 8);
	if (large) {
		mdatHeader.writeUInt32BE(1, 0);
		mdatHeader.write('mdat', 4, 'ascii');
		mdatHeader.writeBigUInt64BE(BigInt(payload + 16), 8);
	} else {
		mdatHeader.writeUInt32BE(payload + 8, 0);
		mdatHeader.write('mdat', 4, 'ascii');
	}
	const seed = seedBytes(opts.seed);
	return {
		contentType: 'video/mp4',
		extension: 'mp4',
		size: head.length + mdatHeader.length + payload,
		*chunks() {
			yield head;
			yield mdatHeader;
			// A little seed-dependent content first so different outputs differ, then zeros.
			const first = Math.min(payload, seed.length);
			if (first > 0) yield seed.subarray(0, first);
			yield* zeros(payload - first);
		},
	};
}

// ---------------------------------------------------------------- MP3
/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono, no padding: 417-byte frames of silence. */
const MP3_FRAME_BYTES = 417;
const MP3_FRAME = (() => {
	const f = Buffer.alloc(MP3_FRAME_BYTES);
	f[0] = 0xff;
	f[1] = 0xfb; // sync, MPEG-1, Layer III, no CRC
	f[2] = 0x90; // 128 kbit/s, 44100 Hz, no padding
	f[3] = 0xc4; // mono, original
	return f; // side info and main data all zero: a silent granule
})();
const MP3_FRAMES_PER_SECOND = 44100 / 1152;

function id3Header(paddingBytes: number): Buffer {
	const h = Buffer.alloc(10);
	h.write('ID3', 0, 'ascii');
	h[3] = 4; // v2.4.0
	h[4] = 0;
	h[5] = 0;
	// syncsafe size
	h[6] = (paddingBytes >> 21) & 0x7f;
	h[7] = (paddingBytes >> 14) & 0x7f;
	h[8] = (paddingBytes >> 7) & 0x7f;
	h[9] = paddingBytes & 0x7f;
	return h;
}

export function makeMp3(opts: MediaOptions): MediaFile {
	let frames = Math.max(1, Math.round((opts.durationSeconds ?? 3) * MP3_FRAMES_PER_SECOND));
	let pad = 0;
	if (opts.targetBytes !== undefined && opts.targetBytes >= 10 + MP3_FRAME_BYTES) {
		frames = Math.floor((opts.targetBytes - 10) / MP3_FRAME_BYTES);
		pad = opts.targetBytes - 10 - frames * MP3_FRAME_BYTES;
	}
	const batch = Buffer.concat(Array.from({ length: 150 }, () => MP3_FRAME));
	return {
		contentType: 'audio/mpeg',
		extension: 'mp3',
		size: 10 + pad + frames * MP3_FRAME_BYTES,
		*chunks() {
			yield id3Header(pad);
			yield* zeros(pad);
			let left = frames;
			while (left >= 150) {
				yield batch;
				left -= 150;
			}
			if (left > 0) yield batch.subarray(0, left * MP3_FRAME_BYTES);
		},
	};
}

// ---------------------------------------------------------------- PDF
function pdfString(s: string): string {
	return (
		'(' +
		s
			.replace(/[^\x20-\x7e]/g, '?')
			.replace(/\\/g, '\\\\')
			.replace(/\(/g, '\\(')
			.replace(/\)/g, '\\)') +
		')'
	);
}

export function makePdf(opts: MediaOptions): MediaFile {
	const lines = (opts.lines && opts.lines.length ? opts.lines : ['FLORA simulator document']).slice(
		0,
		40,
	);
	const text = lines
		.map((l, i) =>
			i === 0 ? `${pdfString(l.slice(0, 90))} Tj` : `0 -18 Td ${pdfString(l.slice(0, 90))} Tj`,
		)
		.join('\n');
	const content = `BT\n/F1 12 Tf\n72 740 Td\n${text}\nET\n`;
	const objects = [
		'<< /Type /Catalog /Pages 2 0 R >>',
		'<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
		'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
		`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}endstream`,
		'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
	];
	let prefix = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
	const offsets: number[] = [];
	for (let i = 0; i < objects.length; i++) {
		offsets.push(Buffer.byteLength(prefix, 'latin1'));
		prefix += `${i + 1} 0 obj\n${objects[i]}\nendobj\n`;
	}
	const prefixBuf = Buffer.from(prefix, 'latin1');

	const build = (padLen: number | null) => {
		const offs = [...offsets];
		let padHead = '';
		const padTail = '\nendstream\nendobj\n';
		let pos = prefixBuf.length;
		if (padLen !== null) {
			offs.push(pos);
			padHead = `${offs.length} 0 obj\n<< /Length ${padLen} >>\nstream\n`;
			pos += Buffer.byteLength(padHead) + padLen + padTail.length;
		}
		const n = offs.length + 1;
		let xref = `xref\n0 ${n}\n0000000000 65535 f \n`;
		for (const o of offs) xref += `${String(o).padStart(10, '0')} 00000 n \n`;
		xref += `trailer\n<< /Size ${n} /Root 1 0 R >>\nstartxref\n${pos}\n%%EOF\n`;
		const total = pos + Buffer.byteLength(xref);
		return { padHead, padTail: padLen !== null ? padTail : '', xref, total };
	};

	let padLen: number | null = null;
	let plan = build(null);
	if (opts.targetBytes !== undefined && opts.targetBytes > plan.total + 64) {
		padLen = 0;
		for (let i = 0; i < 6; i++) {
			const p = build(padLen);
			const diff = opts.targetBytes - p.total;
			if (diff === 0) break;
			padLen = Math.max(0, padLen + diff);
		}
		plan = build(padLen);
	}
	const finalPlan = plan;
	const finalPad = padLen;
	return {
		contentType: 'application/pdf',
		extension: 'pdf',
		size: finalPlan.total,
		*chunks() {
			yield prefixBuf;
			if (finalPad !== null) {
				yield Buffer.from(finalPlan.padHead, 'latin1');
				yield* zeros(finalPad);
				yield Buffer.from(finalPlan.padTail, 'latin1');
			}
			yield Buffer.from(finalPlan.xref, 'latin1');
		},
	};
}

export function makeMedia(type: MediaSlotType, opts: MediaOptions): MediaFile {
	switch (type) {
		case 'imageUrl':
			return makePng(opts);
		case 'videoUrl':
			return makeMp4(opts);
		case 'audioUrl':
			return makeMp3(opts);
		case 'documentUrl':
			return makePdf(opts);
	}
}

/** Width and height from a PNG's IHDR, if `head` starts like a PNG. */
export function pngDimensions(head: Buffer): { width: number; height: number } | null {
	if (head.length < 24 || !head.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
	if (head.toString('ascii', 12, 16) !== 'IHDR') return null;
	return { width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
}
