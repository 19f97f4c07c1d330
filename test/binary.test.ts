/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
process.env.FLORA_TEST_BINARY_MODE = 'filesystem';

import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';
import type { IBinaryData, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_API_KEY, MEDIA_ROUTE } from '../simulator';
import { binaryMode, storeBinary } from './harness/engine';
import { FLORA_NODE, runFlora, technique, useSimulator } from './harness/flora';

const flora = useSimulator({ timeScale: 20 });
const WORKSPACE = { __rl: true, mode: 'id', value: 'ws_sim_studio' };

const storyboardInputs = (reference: string) => ({
	inputs: {
		input: [
			{ id: 'storyboard', type: 'imageUrl', value: 'https://cdn.example.com/frame.png' },
			{ id: 'motion_prompt', type: 'text', value: 'slow dolly in' },
			{ id: 'reference_clip', type: 'videoUrl', value: reference },
		],
	},
});

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A deterministic pseudo-random stream of `size` bytes, and its SHA-256, without holding it in memory. */
function generatedFile(size: number) {
	const hash = createHash('sha256');
	const chunk = randomBytes(1024 * 1024);
	let sent = 0;
	const stream = new Readable({
		read() {
			if (sent >= size) {
				this.push(null);
				return;
			}
			const piece = chunk.subarray(0, Math.min(chunk.length, size - sent));
			sent += piece.length;
			hash.update(piece);
			this.push(piece);
		},
	});
	return { stream, digest: () => hash.digest('hex') };
}

function withBinary(binary: IBinaryData, property = 'data'): INodeExecutionData[] {
	return [{ json: {}, binary: { [property]: binary } }];
}

describe('binary files as inputs', () => {
	test('the harness runs these tests in n8n’s filesystem binary mode', async () => {
		await storeBinary(Buffer.from('x'), 'x.txt', 'text/plain');
		expect(binaryMode()).toBe('filesystem');
	});

	test('a file under 4 MB is uploaded as one multipart asset and its URL is sent as the input', async () => {
		const bytes = randomBytes(300 * 1024);
		const binary = await storeBinary(bytes, 'reference.mp4', 'video/mp4');

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('storyboard-to-video'),
				workspace: WORKSPACE,
				...storyboardInputs('binary:data'),
			},
			{ triggerItems: withBinary(binary) },
		);

		expect(result.error?.message).toBeUndefined();
		expect(flora.sim.uploads).toHaveLength(1);
		expect(flora.sim.uploads[0]).toMatchObject({
			via: 'direct',
			size: bytes.length,
			sha256: sha256(bytes),
			contentType: 'video/mp4',
		});
		const create = flora.sim.requests.find(
			(request) => request.route === 'POST /techniques/{techniqueId}/runs',
		)!;
		const reference = (create.body as { inputs: Array<{ id: string; value: string }> }).inputs.find(
			(input) => input.id === 'reference_clip',
		)!;
		expect(reference.value).toMatch(/^http/);
		expect(reference.value).toContain(flora.sim.uploads[0].assetId);
	});

	test('a file over 4 MB goes through a signed upload, streamed: the bytes arrive intact and memory stays flat', async () => {
		const size = 200 * 1024 * 1024;
		const file = generatedFile(size);
		const binary = await storeBinary(file.stream, 'reference.mp4', 'video/mp4');
		const digest = file.digest();
		global.gc?.();
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		const sampler = setInterval(() => {
			peak = Math.max(peak, process.memoryUsage().rss);
		}, 10);

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('storyboard-to-video'),
				workspace: WORKSPACE,
				...storyboardInputs('binary:data'),
			},
			{ triggerItems: withBinary(binary) },
		);
		clearInterval(sampler);

		expect(result.error?.message).toBeUndefined();
		expect(flora.sim.uploads).toHaveLength(1);
		expect(flora.sim.uploads[0]).toMatchObject({ size, sha256: digest });
		expect(flora.sim.uploads[0].via).toMatch(/^signed-/);
		expect(flora.sim.mediaRequests.every((request) => request.hadAuthorization === false)).toBe(
			true,
		);
		// A buffered upload would grow the process by at least the file's 200 MB.
		expect(peak - baseline).toBeLessThan(96 * 1024 * 1024);
	});

	test('a missing binary property fails before any request, naming what the item has', async () => {
		const binary = await storeBinary(randomBytes(1000), 'clip.mp4', 'video/mp4');

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('storyboard-to-video'),
				workspace: WORKSPACE,
				...storyboardInputs('binary:video'),
			},
			{ triggerItems: withBinary(binary, 'clip') },
		);

		const error = result.nodes[FLORA_NODE].error!;
		expect(error.message).toBe(
			'The input "reference_clip" names the binary field "video", which this item does not have',
		);
		expect(error.description).toContain('clip');
		expect(flora.sim.requests).toHaveLength(0);
	});

	test('a file of a type FLORA does not accept fails before any request', async () => {
		const binary = await storeBinary(Buffer.from('hello'), 'notes.txt', 'text/plain');

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('storyboard-to-video'),
				workspace: WORKSPACE,
				...storyboardInputs('binary:data'),
			},
			{ triggerItems: withBinary(binary) },
		);

		const error = result.nodes[FLORA_NODE].error!;
		expect(error.message).toMatch(/type "text\/plain", which FLORA does not accept/);
		expect(error.description).toContain('video/mp4');
		expect(flora.sim.requests).toHaveLength(0);
	});

	test('a binary input without an upload workspace fails before any request', async () => {
		const binary = await storeBinary(randomBytes(1000), 'clip.mp4', 'video/mp4');

		const result = await runFlora(
			flora.sim,
			{ technique: technique('storyboard-to-video'), ...storyboardInputs('binary:data') },
			{ triggerItems: withBinary(binary) },
		);

		// The field is empty, and the message says why it is needed: this input takes a file.
		expect(result.nodes[FLORA_NODE].error!.message).toBe(
			'Upload Workspace is empty, but the input "Reference clip" (reference_clip) takes a file of the item',
		);
		expect(flora.sim.requests.filter((request) => request.method !== 'GET')).toHaveLength(0);
	});
});

describe('outputs as binary data', () => {
	const expected = [
		{ type: 'imageUrl', mimeType: 'image/png', extension: 'png', magic: [0x89, 0x50, 0x4e, 0x47] },
		{ type: 'videoUrl', mimeType: 'video/mp4', extension: 'mp4', magic: null },
		{ type: 'audioUrl', mimeType: 'audio/mpeg', extension: 'mp3', magic: null },
		{
			type: 'documentUrl',
			mimeType: 'application/pdf',
			extension: 'pdf',
			magic: [0x25, 0x50, 0x44, 0x46],
		},
	];

	test('every media output is downloaded into binary data with its MIME type and file extension', async () => {
		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			options: { download: true },
		});

		const items = result.items(FLORA_NODE);
		for (const { type, mimeType, extension, magic } of expected) {
			const item = items.find((candidate) => candidate.json.type === type)!;
			const binary = item.binary!.data;
			expect(binary.mimeType).toBe(mimeType);
			expect(binary.fileName).toBe(`${item.json.output_id}.${extension}`);
			expect(binary.id).toMatch(/^filesystem/);
			const bytes = await Container.get(BinaryDataService).getAsBuffer(binary);
			expect(bytes.length).toBeGreaterThan(100);
			if (magic) expect([...bytes.subarray(0, 4)]).toEqual(magic);
			if (type === 'videoUrl') expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
		}
		expect(items.find((item) => item.json.type === 'text')!.binary).toBeUndefined();
		const downloads = flora.sim.mediaRequests.filter((request) => request.method === 'GET');
		expect(downloads).toHaveLength(4);
		expect(downloads.every((request) => request.hadAuthorization === false)).toBe(true);
		expect(JSON.stringify(flora.sim.mediaRequests)).not.toContain(DEFAULT_API_KEY);
	});

	test('the per-run layout puts the files in data_<position> by output position', async () => {
		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			options: { download: true, outputLayout: 'perRun', binaryPropertyName: 'file' },
		});

		const [item] = result.items(FLORA_NODE);
		expect(Object.keys(item.binary ?? {}).sort()).toEqual(['file_0', 'file_1', 'file_2', 'file_4']);
		expect(item.binary!.file_4.mimeType).toBe('application/pdf');
	});

	test('a failed download names the output and its URL, and becomes an error item under Continue On Fail', async () => {
		flora.sim.injectFault({
			route: MEDIA_ROUTE,
			kind: 'status',
			status: 404,
			code: 'gone',
			times: 10,
		});

		const result = await runFlora(
			flora.sim,
			{
				technique: technique('voiceover'),
				inputs: { input: [{ id: 'script', type: 'text', value: 'hi' }] },
				options: { download: true },
			},
			{ continueOnFail: true },
		);

		const [item] = result.items(FLORA_NODE);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect((item.json.error as IDataObject).message).toMatch(
			/^Could not download output \S+ of the FLORA run run_\S+ from http:\/\/127\.0\.0\.1:\d+\/media\/run_\S+\.mp3$/,
		);
		expect(flora.sim.mediaRequests.filter((request) => request.method === 'GET')).toHaveLength(1);
	});
});
