/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** Assets: direct multipart (≤ 4 MB), signed upload by form POST and by PUT (bytes intact), complete/conflict, URL sources. */
import { createHash, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import axios from 'axios';
import { startSimulator, type Simulator } from '../../simulator';
import { makePng } from '../../simulator/media';
import { api, waitFor, type Json } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 100 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
function pngBytes(): Buffer {
	return Buffer.concat([...makePng({ seed: 'upload' }).chunks()]);
}
function form(
	fields: Record<string, string>,
	file?: { bytes: Buffer; type: string; name: string },
): FormData {
	const f = new FormData();
	for (const [k, v] of Object.entries(fields)) f.append(k, v);
	if (file) f.append('file', new Blob([file.bytes], { type: file.type }), file.name);
	return f;
}

test('a direct multipart upload answers a ready asset whose URL on the media host serves the same bytes', async () => {
	const bytes = pngBytes();
	const r = await api(sim).post(
		'/assets',
		form(
			{ workspace_id: 'ws_sim_studio', file_name: 'bottle.png' },
			{ bytes, type: 'image/png', name: 'x.png' },
		),
	);
	expect(r.status).toBe(201);
	expect(r.data).toMatchObject({
		asset_id: expect.stringMatching(/^asset_/),
		status: 'ready',
		uploaded_via: 'direct',
		visibility: 'workspace',
		workspace_id: 'ws_sim_studio',
	});
	expect(r.data.url.startsWith(`${sim.mediaOrigin}/assets/`)).toBe(true);
	const got = await api(sim).get(`/assets/${r.data.asset_id}`);
	expect(got.data).toMatchObject({
		status: 'ready',
		content_type: 'image/png',
		size_bytes: bytes.length,
		width: 256,
		height: 256,
		name: 'bottle.png',
	});
	const file = await axios.get(got.data.url, { responseType: 'arraybuffer' });
	expect(file.headers['content-type']).toBe('image/png');
	expect(sha(Buffer.from(file.data))).toBe(sha(bytes));
	expect(sim.uploads).toEqual([
		expect.objectContaining({
			assetId: r.data.asset_id,
			size: bytes.length,
			sha256: sha(bytes),
			via: 'direct',
			contentType: 'image/png',
		}),
	]);
});

test('a direct upload over 4 MB, a disallowed type, or a missing workspace answers 400 naming the field', async () => {
	const big = await api(sim).post(
		'/assets',
		form(
			{ workspace_id: 'ws_sim_studio' },
			{ bytes: Buffer.alloc(4 * 1024 * 1024 + 1), type: 'video/mp4', name: 'a.mp4' },
		),
	);
	expect(big.status).toBe(400);
	expect(big.data.error.fields).toEqual([
		{ field: 'file', message: expect.stringContaining('4 MB') },
	]);
	const exe = await api(sim).post(
		'/assets',
		form(
			{ workspace_id: 'ws_sim_studio', content_type: 'application/x-msdownload' },
			{ bytes: Buffer.from('MZ'), type: 'application/octet-stream', name: 'a.exe' },
		),
	);
	expect(exe.status).toBe(400);
	expect(exe.data.error.fields).toEqual([
		{ field: 'content_type', message: expect.stringContaining('not allowed') },
	]);
	const noWs = await api(sim).post(
		'/assets',
		form({}, { bytes: pngBytes(), type: 'image/png', name: 'a.png' }),
	);
	expect(noWs.data.error.fields).toEqual([{ field: 'workspace_id', message: 'is required' }]);
	expect(sim.uploads).toEqual([]);
});

async function reserve(name: string, type: string): Promise<Json> {
	const r = await api(sim).post('/assets', {
		source: 'signed-url',
		workspace_id: 'ws_sim_studio',
		file_name: name,
		content_type: type,
	});
	expect(r.status).toBe(201);
	return r.data;
}

/** A streamed multipart POST (form fields first, then the file) built by hand so big bodies are never buffered. */
function postMultipartStream(
	url: string,
	fields: Record<string, string>,
	fileSize: number,
	fill: (i: number) => Buffer,
): Promise<{ status: number; sha: string }> {
	const boundary = `----sim${randomBytes(8).toString('hex')}`;
	const hash = createHash('sha256');
	return new Promise((resolve, reject) => {
		const req = http.request(
			url,
			{ method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } },
			(res) => {
				res.resume();
				res.on('end', () => resolve({ status: res.statusCode!, sha: hash.digest('hex') }));
			},
		);
		req.on('error', reject);
		for (const [k, v] of Object.entries(fields))
			req.write(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`);
		req.write(
			`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="clip.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
		);
		let sent = 0;
		let i = 0;
		const pump = () => {
			while (sent < fileSize) {
				const chunk = fill(i++).subarray(0, Math.min(256 * 1024, fileSize - sent));
				hash.update(chunk);
				sent += chunk.length;
				if (!req.write(chunk)) return void req.once('drain', pump);
			}
			req.end(`\r\n--${boundary}--\r\n`);
		};
		pump();
	});
}

test('a signed upload streams a large file to the media host with its sha256 intact, then complete makes it ready', async () => {
	const asset = await reserve('clip.mp4', 'video/mp4');
	expect(asset).toMatchObject({ status: 'pending_upload', uploaded_via: 'signed_url' });
	expect(asset.upload).toMatchObject({
		method: 'POST',
		file_field: 'file',
		content_type: 'multipart/form-data',
		form_fields: { key: expect.any(String), policy: expect.any(String) },
	});
	expect(asset.upload.url.startsWith(sim.mediaOrigin)).toBe(true);
	expect((await api(sim).get(`/assets/${asset.asset_id}`)).data.status).toBe('pending_upload');

	const size = 48 * 1024 * 1024 + 12345;
	// Random-looking content that includes boundary-like bytes.
	const block = Buffer.concat([randomBytes(256 * 1024 - 16), Buffer.from('\r\n--not-boundary')]);
	const rssBefore = process.memoryUsage().rss;
	const up = await postMultipartStream(
		asset.upload.url,
		asset.upload.form_fields,
		size,
		() => block,
	);
	expect(up.status).toBe(204);
	expect(process.memoryUsage().rss - rssBefore).toBeLessThan(96 * 1024 * 1024);
	expect(sim.uploads).toEqual([
		expect.objectContaining({ assetId: asset.asset_id, size, sha256: up.sha, via: 'signed-post' }),
	]);

	const done = await api(sim).post(`/assets/${asset.asset_id}/complete`);
	expect(done.status).toBe(200);
	expect(done.data).toMatchObject({ status: 'ready', size_bytes: size, content_type: 'video/mp4' });
	const again = await api(sim).post(`/assets/${asset.asset_id}/complete`);
	expect(again.status).toBe(409);
	expect(again.data.error.code).toBe('conflict');

	const file = await axios.get(done.data.url, { responseType: 'stream' });
	expect(file.headers['content-type']).toBe('video/mp4');
	const h = createHash('sha256');
	for await (const c of file.data as AsyncIterable<Buffer>) h.update(c);
	expect(h.digest('hex')).toBe(up.sha);
});

test('the signed upload also takes a raw PUT to upload_url', async () => {
	const asset = await reserve('voice.mp3', 'audio/mpeg');
	const bytes = randomBytes(300_000);
	const put = await axios.put(asset.upload_url, bytes, {
		headers: { 'content-type': 'audio/mpeg' },
	});
	expect(put.status).toBe(200);
	expect(sim.uploads[0]).toMatchObject({
		size: bytes.length,
		sha256: sha(bytes),
		via: 'signed-put',
	});
	expect((await api(sim).post(`/assets/${asset.asset_id}/complete`)).status).toBe(200);
});

test('complete before any bytes arrive, or on a direct asset, answers 409 conflict', async () => {
	const asset = await reserve('late.png', 'image/png');
	const early = await api(sim).post(`/assets/${asset.asset_id}/complete`);
	expect(early.status).toBe(409);
	expect(early.data.error.code).toBe('conflict');
	expect((await api(sim).get(`/assets/${asset.asset_id}`)).data.status).toBe('pending_upload');
	const direct = await api(sim).post(
		'/assets',
		form(
			{ workspace_id: 'ws_sim_studio' },
			{ bytes: pngBytes(), type: 'image/png', name: 'a.png' },
		),
	);
	expect((await api(sim).post(`/assets/${direct.data.asset_id}/complete`)).status).toBe(409);
});

test('an upload with a forged policy signature is refused and nothing is recorded', async () => {
	const asset = await reserve('x.png', 'image/png');
	const fields = { ...asset.upload.form_fields, 'x-flora-signature': '0'.repeat(64) };
	const r = await postMultipartStream(asset.upload.url, fields, 1000, () => Buffer.alloc(1000, 1));
	expect(r.status).toBe(403);
	expect(sim.uploads).toEqual([]);
	expect((await api(sim).post(`/assets/${asset.asset_id}/complete`)).status).toBe(409);
});

test('a public https source becomes ready a moment later; private or non-https sources are refused', async () => {
	const r = await api(sim).post('/assets', {
		source: 'https://images.example.com/shoe.webp',
		workspace_id: 'ws_sim_studio',
	});
	expect(r.status).toBe(201);
	expect(r.data).toMatchObject({ status: 'pending_upload', uploaded_via: 'url' });
	const ready = await waitFor(async () => {
		const a = (await api(sim).get(`/assets/${r.data.asset_id}`)).data;
		return a.status === 'ready' ? a : undefined;
	});
	expect(ready).toMatchObject({ content_type: 'image/webp', name: 'shoe.webp' });
	for (const source of [
		'http://images.example.com/a.png',
		'https://169.254.169.254/latest',
		'ftp://x/y.png',
	]) {
		const bad = await api(sim).post('/assets', { source, workspace_id: 'ws_sim_studio' });
		expect(bad.status).toBe(400);
		expect(bad.data.error.fields[0].field).toBe('source');
	}
});
