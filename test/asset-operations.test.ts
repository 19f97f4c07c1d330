/* Asset → Upload (a file of the item, a public URL; images, video, audio, PDF), Get and Get Many. */
import type { INodeExecutionData } from 'n8n-workflow';

import { DEFAULT_WORKSPACE_ID } from '../simulator';
import { storeBinary } from './harness/engine';
import { operation, WORKSPACE } from './harness/actions';
import { FLORA_NODE, runFlora, useSimulator } from './harness/flora';

const flora = useSimulator({ timeScale: 20 });
const V2 = { typeVersion: 2 };

const fromBinary = (options = {}) =>
	operation('asset', 'upload', {
		workspace: WORKSPACE,
		source: 'binary',
		binaryPropertyName: 'data',
		options,
	});
const fromUrl = (url: string, options = {}) =>
	operation('asset', 'upload', { workspace: WORKSPACE, source: 'url', url, options });

async function itemWithFile(
	bytes: Buffer,
	fileName: string,
	mimeType: string,
): Promise<INodeExecutionData[]> {
	return [{ json: {}, binary: { data: await storeBinary(bytes, fileName, mimeType) } }];
}

async function uploadFiles(count: number) {
	const items = (
		await Promise.all(
			Array.from({ length: count }, (_, index) =>
				itemWithFile(Buffer.from(`file ${index}`), `shot-${index}.png`, 'image/png'),
			),
		)
	).flat();
	const result = await runFlora(flora.sim, fromBinary(), { ...V2, triggerItems: items });
	return result.items(FLORA_NODE).map((item) => item.json.asset_id as string);
}

describe('Asset → Upload', () => {
	test.each([
		['an image', 'photo.png', 'image/png'],
		['a video', 'clip.mp4', 'video/mp4'],
		['an audio file', 'voice.mp3', 'audio/mpeg'],
		['a PDF', 'brief.pdf', 'application/pdf'],
	])(
		'%s of the item is uploaded and output once ready, with its FLORA URL',
		async (_kind, fileName, mimeType) => {
			const bytes = Buffer.from(`${fileName} bytes `.repeat(200));
			const result = await runFlora(flora.sim, fromBinary(), {
				...V2,
				triggerItems: await itemWithFile(bytes, fileName, mimeType),
			});

			expect(result.error?.message).toBeUndefined();
			const [item] = result.items(FLORA_NODE);
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.json).toMatchObject({
				asset_id: expect.stringMatching(/^asset_/),
				status: 'ready',
				content_type: mimeType,
				name: fileName,
				workspace_id: DEFAULT_WORKSPACE_ID,
				url: expect.stringContaining(`/assets/${String(item.json.asset_id)}/`),
			});
			expect(flora.sim.uploads).toEqual([
				expect.objectContaining({
					assetId: item.json.asset_id,
					size: bytes.length,
					contentType: mimeType,
				}),
			]);
		},
	);

	test('a file name and project of the options are the asset’s', async () => {
		const result = await runFlora(
			flora.sim,
			fromBinary({ fileName: 'hero.png', projectId: 'prj_sim_spring_campaign' }),
			{
				...V2,
				triggerItems: await itemWithFile(Buffer.from('png'), 'IMG_0001.png', 'image/png'),
			},
		);

		expect(result.items(FLORA_NODE)[0].json.name).toBe('hero.png');
		const listed = await runFlora(
			flora.sim,
			operation('asset', 'getMany', {
				returnAll: true,
				filters: { projectId: 'prj_sim_spring_campaign' },
			}),
			V2,
		);
		expect(listed.items(FLORA_NODE).map((item) => item.json.name)).toEqual(['hero.png']);
	});

	test('a public URL is fetched by FLORA; the node waits until the asset is ready', async () => {
		const result = await runFlora(
			flora.sim,
			fromUrl('https://cdn.example.com/images/lookbook.png'),
			V2,
		);

		expect(result.error?.message).toBeUndefined();
		const [item] = result.items(FLORA_NODE);
		expect(item.json).toMatchObject({
			status: 'ready',
			uploaded_via: 'url',
			name: 'lookbook.png',
			content_type: 'image/png',
		});
		expect(String(item.json.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/assets\/asset_/);
		const create = flora.sim.requests.find((request) => request.route === 'POST /assets')!;
		expect(create.body).toMatchObject({
			source: 'https://cdn.example.com/images/lookbook.png',
			workspace_id: DEFAULT_WORKSPACE_ID,
		});
		expect(flora.sim.countRequests('GET /assets/{assetId}')).toBeGreaterThanOrEqual(1);
	});

	test('an audio and a PDF URL are taken too', async () => {
		const result = await runFlora(flora.sim, fromUrl('={{ $json.url }}'), {
			...V2,
			triggerItems: [
				{ url: 'https://cdn.example.com/a/voice.mp3' },
				{ url: 'https://cdn.example.com/a/brief.pdf' },
			],
		});

		expect(
			result.items(FLORA_NODE).map((item) => [item.json.content_type, item.json.status]),
		).toEqual([
			['audio/mpeg', 'ready'],
			['application/pdf', 'ready'],
		]);
	});

	test('a URL that is not https is refused before any request', async () => {
		const result = await runFlora(flora.sim, fromUrl('http://cdn.example.com/photo.png'), V2);

		expect(result.nodes[FLORA_NODE].error!.message).toBe('URL is not a public https address');
		expect(flora.sim.requests).toHaveLength(0);
	});

	test('a file FLORA does not take is refused before any request, naming its type', async () => {
		const result = await runFlora(flora.sim, fromBinary(), {
			...V2,
			triggerItems: await itemWithFile(Buffer.from('PK'), 'archive.zip', 'application/zip'),
		});

		expect(result.nodes[FLORA_NODE].error!.message).toMatch(
			/"application\/zip", which FLORA does not accept/,
		);
		expect(flora.sim.requests).toHaveLength(0);
	});

	test('an asset that fails in FLORA gives an error naming the file, the asset and FLORA’s reason', async () => {
		const result = await runFlora(
			flora.sim,
			fromUrl('https://cdn.example.com/download/latest'),
			V2,
		);

		const error = result.nodes[FLORA_NODE].error!;
		const read = flora.sim.requests.find((request) => request.route === 'GET /assets/{assetId}')!;
		const assetId = read.path.split('/').pop()!;
		expect(assetId).toMatch(/^asset_/);
		expect(error.message).toBe('FLORA could not take the file "latest"');
		expect(error.description).toContain('content type that is not allowed');
		expect(error.description).toContain(assetId);
	});
});

describe('Asset → Get and Get Many', () => {
	test('Get reads one asset by its ID; an unknown one is not found', async () => {
		const [assetId] = await uploadFiles(1);

		const found = await runFlora(flora.sim, operation('asset', 'get', { assetId }), V2);
		expect(found.items(FLORA_NODE)[0].json).toMatchObject({
			asset_id: assetId,
			status: 'ready',
			name: 'shot-0.png',
		});

		const missing = await runFlora(
			flora.sim,
			operation('asset', 'get', { assetId: 'asset_missing' }),
			V2,
		);
		expect(missing.nodes[FLORA_NODE].error!.message).toMatch(/^FLORA could not find/);
	});

	test('Get Many with Return All follows the cursor through every page, newest first', async () => {
		const ids = await uploadFiles(130);
		flora.sim.requests.length = 0;

		const result = await runFlora(
			flora.sim,
			operation('asset', 'getMany', {
				returnAll: true,
				filters: { workspaceId: DEFAULT_WORKSPACE_ID },
			}),
			V2,
		);

		expect(result.items(FLORA_NODE).map((item) => item.json.asset_id)).toEqual([...ids].reverse());
		const pages = flora.sim.requests.filter((request) => request.route === 'GET /assets');
		expect(pages).toHaveLength(2);
		expect(pages[1].query.cursor).toEqual(expect.any(String));
		expect(pages[0].query.workspace_id).toBe(DEFAULT_WORKSPACE_ID);
	});

	test('Get Many with a search and a limit returns at most that many matches', async () => {
		await uploadFiles(12);

		const result = await runFlora(
			flora.sim,
			operation('asset', 'getMany', { returnAll: false, limit: 2, filters: { query: 'shot-1' } }),
			V2,
		);

		const names = result.items(FLORA_NODE).map((item) => item.json.name);
		expect(names).toHaveLength(2);
		for (const name of names) expect(name).toMatch(/^shot-1/);
		expect(flora.sim.requests.at(-1)!.query).toMatchObject({ query: 'shot-1', limit: '2' });
	});

	test('a malformed workspace filter is refused before the request', async () => {
		const result = await runFlora(
			flora.sim,
			operation('asset', 'getMany', { returnAll: true, filters: { workspaceId: 'studio' } }),
			V2,
		);

		expect(result.nodes[FLORA_NODE].error!.message).toBe('Workspace ID must start with "ws_"');
		expect(flora.sim.requests).toHaveLength(0);
	});
});
