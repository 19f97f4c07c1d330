/** Chaos keeps the contract: every answer under chaos matches the spec (faults use the error envelope) and contractViolations stays empty. */
import axios, { type AxiosResponse } from 'axios';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Contract, startSimulator, type Simulator } from '../../simulator';
import { api, pollRun, textInput, type Json } from './helpers';

let sim: Simulator;
beforeAll(async () => {
	sim = await startSimulator({ timeScale: 200 });
});
afterAll(() => sim.close());

test('under chaos every answer matches the spec for its route and status, and contractViolations stays empty', async () => {
	const owner = api(sim);
	// Things to read, made with chaos off.
	const run = (
		await owner.post('/techniques/every-output-type/runs', {
			inputs: [textInput('prompt', 'a lamp')],
			mode: 'async',
		})
	).data;
	const done = await pollRun(owner, 'every-output-type', run.run_id);
	const mediaUrl = done.outputs.find((o: Json) => o.type === 'imageUrl').url;
	const asset = (
		await owner.post('/assets', {
			source: 'signed-url',
			workspace_id: 'ws_sim_studio',
			file_name: 'a.png',
			content_type: 'image/png',
		})
	).data;
	expect(sim.contractViolations).toEqual([]);

	// The 503 and its code are documented in ../shared/flora-api.md, not in the spec (as in
	// contract.test.ts).
	const errSchema: Json = JSON.parse(JSON.stringify(sim.contract.spec.components.schemas.Error));
	errSchema.properties.error.properties.code.enum.push('service_unavailable', 'conflict');
	const ajv = new Ajv2020({ strict: false, allErrors: true });
	addFormats(ajv);
	const extendedError = ajv.compile(errSchema);
	const runEvent = sim.contract.responseValidator('POST /techniques/{techniqueId}/runs', 200)!;

	sim.setChaos({ seed: 2026, rate: 0.5, slowMs: [0, 10] });
	const failures: string[] = [];
	let answered = 0;
	let dropped = 0;
	const check = (r: AxiosResponse) => {
		answered++;
		const rec = sim.requests.find((q) => q.requestId === r.headers['request-id']);
		if (!rec?.route) return void failures.push(`no recorded route for ${r.config.url}`);
		const type = String(r.headers['content-type']);
		// The streamed creates ask for text: parse their JSON answers here.
		const body =
			typeof r.data === 'string' && type.startsWith('application/json')
				? JSON.parse(r.data)
				: r.data;
		if (type.startsWith('text/event-stream')) {
			for (const e of String(r.data)
				.split('\n\n')
				.filter((x) => x.startsWith('data: ')))
				if (!runEvent(JSON.parse(e.slice(6))))
					failures.push(`stream event: ${Contract.describe(runEvent)}`);
			return;
		}
		if (r.status === 503) {
			if (!extendedError(body)) failures.push(`${rec.route} 503: ${JSON.stringify(body)}`);
			return;
		}
		const v = sim.contract.responseValidator(rec.route, r.status);
		if (!v) failures.push(`${rec.route}: status ${r.status} is not declared`);
		else if (!v(body) && !(r.status === 409 && extendedError(body)))
			failures.push(`${rec.route} ${r.status}: ${Contract.describe(v)}`);
	};
	const send = async (p: Promise<AxiosResponse>) => {
		try {
			check(await p);
		} catch {
			dropped++;
		}
	};
	for (let i = 0; i < 12; i++) {
		await send(owner.get('/techniques', { params: { limit: 5 } }));
		await send(owner.get('/techniques/voiceover'));
		await send(
			owner.post('/techniques/voiceover/runs', {
				inputs: [textInput('script', `round ${i}`)],
				mode: 'async',
				idempotency_key: `chaos-contract-${i}`,
			}),
		);
		await send(
			owner.post(
				'/techniques/voiceover/runs',
				{ inputs: [textInput('script', `stream ${i}`)], mode: 'stream' },
				{ responseType: 'text' },
			),
		);
		await send(owner.get(`/techniques/every-output-type/runs/${run.run_id}`));
		await send(owner.get(`/runs/${run.run_id}`));
		await send(owner.get('/technique-runs', { params: { limit: 3 } }));
		await send(owner.get('/workspaces'));
		await send(
			owner.post('/assets', {
				source: 'signed-url',
				workspace_id: 'ws_sim_studio',
				file_name: `f${i}.png`,
				content_type: 'image/png',
			}),
		);
		await send(owner.get(`/assets/${asset.asset_id}`));
		await send(owner.post(`/assets/${asset.asset_id}/complete`));
		try {
			await axios.get(mediaUrl, { validateStatus: () => true });
		} catch {
			// a dropped or cut media answer
		}
	}
	expect(failures).toEqual([]);
	expect(sim.contractViolations).toEqual([]);
	// The workload really ran under chaos: faults of many kinds, answered and dropped requests.
	const kinds = new Set(sim.chaosLog.map((e) => e.kind));
	expect(kinds.size).toBeGreaterThanOrEqual(6);
	expect(answered).toBeGreaterThan(40);
	expect(dropped).toBeGreaterThan(0);
	const routes = new Set(sim.chaosLog.map((e) => e.route));
	expect(routes.size).toBeGreaterThanOrEqual(8);
	for (const rec of sim.requests.filter((q) => q.chaos)) {
		if (['drop', 'dropAfterHandling', 'cutStream'].includes(rec.chaos!)) continue;
		if (rec.chaos === 'slow') continue;
		expect({ kind: rec.chaos, status: rec.status }).toEqual({
			kind: rec.chaos,
			status: { rate_limited: 429, internal_error: 500, service_unavailable: 503 }[
				rec.chaos as string
			],
		});
	}
});
