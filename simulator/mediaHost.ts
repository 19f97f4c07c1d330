/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * The media host, a separate origin with no auth (by design): GET|HEAD
 * /media/{runId}/{outputId}.{ext} (a run's output files, generated as they are sent), GET|HEAD
 * /assets/{assetId}/{fileName} (uploaded or fetched assets) and the signed upload targets
 * /uploads/{assetId}. Every request is recorded.
 */
import { createReadStream } from 'node:fs';
import type * as http from 'node:http';
import { Readable } from 'node:stream';

import { cutLength, sendTruncated } from './chaos';
import { MediaRequestFaults } from './faults';
import { MEDIA_TYPES, makeMedia, type MediaFile, type MediaSlotType } from './media';
import type { SimState } from './state';
import type { MediaRequestRecord } from './types';
import { UploadTargets } from './uploadTargets';

export class MediaHost {
	private readonly uploadTargets: UploadTargets;

	constructor(private readonly s: SimState) {
		this.uploadTargets = new UploadTargets(s);
	}

	async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', 'http://media.local');
		const method = (req.method ?? 'GET').toUpperCase();
		const rec: MediaRequestRecord = {
			method,
			path: url.pathname,
			headers: { ...req.headers },
			hadAuthorization: req.headers['authorization'] !== undefined,
			receivedAt: Date.now(),
		};
		this.s.mediaRequests.push(rec);
		res.on('finish', () => {
			rec.status = res.statusCode;
		});
		const segs = url.pathname
			.split('/')
			.filter(Boolean)
			.map((s) => decodeURIComponent(s));
		const notFound = () => {
			req.resume();
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('Not Found');
		};
		if ((method === 'GET' || method === 'HEAD') && segs[0] === 'media' && segs.length === 3) {
			const faults = new MediaRequestFaults(this.s.faults, this.s.chaos, this.s.chaosLog, rec);
			if (faults.answerExplicit(req, res)) return;
			const run = this.s.runs.get(segs[1]);
			const outId = segs[2].replace(/\.[a-z0-9]+$/, '');
			const out = run?.outputs?.find((o) => o.output_id === outId);
			const found = Boolean(run && out && out.type !== 'text');
			const chaos = await faults.applyChaos(req, res, method === 'GET' && found);
			if (chaos.answered || res.destroyed) return;
			if (!run || !out || out.type === 'text') return notFound();
			const file = makeMedia(out.type as MediaSlotType, {
				seed: `${run.run_id}/${out.output_id}`,
				targetBytes: run.outputBytes,
				durationSeconds: out.durationSeconds,
				lines: out.lines,
			});
			return this.sendMedia(req, res, file, chaos.cutAt);
		}
		if ((method === 'GET' || method === 'HEAD') && segs[0] === 'assets' && segs.length >= 2) {
			const a = this.s.assets.get(segs[1]);
			if (!a || a.status !== 'ready') return notFound();
			const headers = { 'content-type': a.content_type, 'cache-control': 'private, max-age=3600' };
			if (a.data) {
				res.writeHead(200, { ...headers, 'content-length': String(a.data.length) });
				res.end(method === 'HEAD' ? undefined : a.data);
				return;
			}
			if (a.filePath && a.size !== undefined) {
				res.writeHead(200, { ...headers, 'content-length': String(a.size) });
				if (method === 'HEAD') return void res.end();
				createReadStream(a.filePath).pipe(res);
				return;
			}
			const kind = (Object.entries(MEDIA_TYPES).find(
				([, v]) => v.contentType === a.content_type,
			)?.[0] ?? null) as MediaSlotType | null;
			if (!kind) return notFound();
			return this.sendMedia(
				req,
				res,
				makeMedia(kind, { seed: a.asset_id, lines: [`Fetched from ${a.source}`] }),
			);
		}
		if (segs[0] === 'uploads' && segs.length === 2 && (method === 'POST' || method === 'PUT')) {
			return this.uploadTargets.receive(req, res, segs[1], method, url);
		}
		notFound();
	}

	/** Serve a media file; with `cutAt` (a share of it), destroy the connection after that part. */
	private sendMedia(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		file: MediaFile,
		cutAt?: number,
	): void {
		res.writeHead(200, {
			'content-type': file.contentType,
			'content-length': String(file.size),
			'cache-control': 'public, max-age=86400',
		});
		if (req.method === 'HEAD') return void res.end();
		if (cutAt !== undefined)
			return void sendTruncated(res, file.chunks(), cutLength(file.size, cutAt));
		const stream = Readable.from(file.chunks(), { objectMode: false });
		stream.on('error', () => res.destroy());
		stream.pipe(res);
	}
}
