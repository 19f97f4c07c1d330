/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/** Output files: each media type is a real, valid file with the right Content-Type and Content-Length, served from the media host without auth. */
import axios from 'axios';
import { DEFAULT_API_KEY, startSimulator, type Simulator } from '../../simulator';
import { crc32 } from '../../simulator/media';
import { api, pollRun, textInput, type Json } from './helpers';

let sim: Simulator;
let outputs: Json[];
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 500 });
	const run = (
		await api(sim).post('/techniques/every-output-type/runs', {
			inputs: [textInput('prompt', 'a teapot')],
			mode: 'async',
		})
	).data;
	outputs = (await pollRun(api(sim), 'every-output-type', run.run_id)).outputs;
});
afterAll(() => sim.close());

async function download(url: string): Promise<{ buf: Buffer; type: string; length: number }> {
	const r = await axios.get(url, { responseType: 'arraybuffer' });
	return {
		buf: Buffer.from(r.data),
		type: String(r.headers['content-type']),
		length: Number(r.headers['content-length']),
	};
}
const byType = (t: string) => outputs.find((o) => o.type === t);

test('outputs live on the media origin, a different host from the API', () => {
	expect(new URL(sim.mediaOrigin).port).not.toBe(new URL(sim.baseUrl).port);
	for (const o of outputs.filter((o) => o.type !== 'text'))
		expect(o.url.startsWith(`${sim.mediaOrigin}/media/`)).toBe(true);
	expect(byType('text').url).toBe('Every Output Type: a teapot');
});

test('the image output is a valid PNG (signature, IHDR, chunk CRCs, IEND)', async () => {
	const { buf, type, length } = await download(byType('imageUrl').url);
	expect(type).toBe('image/png');
	expect(length).toBe(buf.length);
	expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
	const chunks: string[] = [];
	let p = 8;
	while (p < buf.length) {
		const len = buf.readUInt32BE(p);
		const typ = buf.toString('ascii', p + 4, p + 8);
		expect(crc32(buf.subarray(p + 4, p + 8 + len))).toBe(buf.readUInt32BE(p + 8 + len));
		chunks.push(typ);
		p += 12 + len;
	}
	expect(p).toBe(buf.length);
	expect(chunks[0]).toBe('IHDR');
	expect(chunks).toContain('IDAT');
	expect(chunks[chunks.length - 1]).toBe('IEND');
	expect([buf.readUInt32BE(16), buf.readUInt32BE(20)]).toEqual([256, 256]);
});

function boxes(buf: Buffer): Array<[string, number]> {
	const out: Array<[string, number]> = [];
	let p = 0;
	while (p < buf.length) {
		let size = buf.readUInt32BE(p);
		const type = buf.toString('ascii', p + 4, p + 8);
		if (size === 1) size = Number(buf.readBigUInt64BE(p + 8));
		expect(size).toBeGreaterThanOrEqual(8);
		out.push([type, size]);
		p += size;
	}
	expect(p).toBe(buf.length);
	return out;
}

test('the video output is a valid ISO-BMFF MP4 whose boxes tile the file exactly', async () => {
	const { buf, type, length } = await download(byType('videoUrl').url);
	expect(type).toBe('video/mp4');
	expect(length).toBe(buf.length);
	const top = boxes(buf);
	expect(top.map(([t]) => t)).toEqual(['ftyp', 'moov', 'mdat']);
	expect(buf.toString('ascii', 8, 12)).toBe('isom');
	const moov = buf.subarray(top[0][1] + 8, top[0][1] + top[1][1]);
	expect(boxes(moov).map(([t]) => t)).toEqual(['mvhd']);
});

test('the audio output is an MP3: an ID3v2 tag followed by MPEG-1 Layer III frames to the end', async () => {
	const { buf, type, length } = await download(byType('audioUrl').url);
	expect(type).toBe('audio/mpeg');
	expect(length).toBe(buf.length);
	expect(buf.toString('ascii', 0, 3)).toBe('ID3');
	const tag =
		((buf[6] & 0x7f) << 21) | ((buf[7] & 0x7f) << 14) | ((buf[8] & 0x7f) << 7) | (buf[9] & 0x7f);
	let p = 10 + tag;
	let frames = 0;
	while (p < buf.length) {
		expect([buf[p], buf[p + 1] & 0xfe]).toEqual([0xff, 0xfa]); // sync + MPEG-1 Layer III
		const bitrate =
			[0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320][buf[p + 2] >> 4] * 1000;
		const rate = [44100, 48000, 32000][(buf[p + 2] >> 2) & 3];
		p += Math.floor((144 * bitrate) / rate) + ((buf[p + 2] >> 1) & 1);
		frames++;
	}
	expect(p).toBe(buf.length);
	expect(frames).toBeGreaterThan(38); // over a second of audio
});

test('the document output is a PDF whose xref points at every object', async () => {
	const { buf, type, length } = await download(byType('documentUrl').url);
	expect(type).toBe('application/pdf');
	expect(length).toBe(buf.length);
	const s = buf.toString('latin1');
	expect(s.startsWith('%PDF-1.')).toBe(true);
	expect(s.trimEnd().endsWith('%%EOF')).toBe(true);
	const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(s)![1]);
	expect(s.slice(startxref, startxref + 4)).toBe('xref');
	const offsets = [...s.slice(startxref).matchAll(/^(\d{10}) 00000 n $/gm)].map((m) =>
		Number(m[1]),
	);
	expect(offsets.length).toBeGreaterThanOrEqual(5);
	offsets.forEach((o, i) =>
		expect(s.slice(o, o + `${i + 1} 0 obj\n<<`.length)).toBe(`${i + 1} 0 obj\n<<`),
	);
	expect(s).toContain('(Every Output Type - Document) Tj');
});

test('media requests need no auth, and whether an Authorization header arrived is recorded', async () => {
	sim.mediaRequests.length = 0;
	await axios.head(byType('imageUrl').url);
	expect(sim.mediaRequests.map((m) => [m.method, m.hadAuthorization, m.status])).toEqual([
		['HEAD', false, 200],
	]);
	await axios.get(byType('imageUrl').url, {
		headers: { Authorization: `Bearer ${DEFAULT_API_KEY}` },
	});
	expect(sim.mediaRequests[1].hadAuthorization).toBe(true);
	const missing = await axios.get(`${sim.mediaOrigin}/media/run_nope/out_x.png`, {
		validateStatus: () => true,
	});
	expect(missing.status).toBe(404);
});

test('an output size override yields a 200 MB file streamed in chunks with an exact Content-Length', async () => {
	const size = 200 * 1024 * 1024;
	sim.scriptNextRun('voiceover', { outcome: 'completed', outputBytes: size, durationSeconds: 1 });
	const run = (
		await api(sim).post('/techniques/voiceover/runs', {
			inputs: [textInput('script', 'long read')],
			mode: 'async',
		})
	).data;
	const done = await pollRun(api(sim), 'voiceover', run.run_id);
	const r = await axios.get(done.outputs[0].url, { responseType: 'stream' });
	expect(Number(r.headers['content-length'])).toBe(size);
	const rssBefore = process.memoryUsage().rss;
	let peak = rssBefore;
	let total = 0;
	let head: Buffer | null = null;
	let chunks = 0;
	for await (const c of r.data as AsyncIterable<Buffer>) {
		if (!head) head = Buffer.from(c.subarray(0, 3));
		total += c.length;
		if (++chunks % 200 === 0) peak = Math.max(peak, process.memoryUsage().rss);
	}
	expect(total).toBe(size);
	expect(head!.toString('ascii')).toBe('ID3');
	expect(chunks).toBeGreaterThan(100);
	expect(peak - rssBefore).toBeLessThan(100 * 1024 * 1024);
});
