/* eslint-disable @n8n/community-nodes/no-hardcoded-secrets -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
import type { INodeParameters } from 'n8n-workflow';

import { DEFAULT_API_KEY, VIEWER_API_KEY } from '../simulator';
import {
	FLORA_NODE,
	RUN_ROUTE,
	prompts,
	runFlora,
	technique,
	textInput,
	useSimulator,
} from './harness/flora';

const flora = useSimulator({ timeScale: 20 });

const run = (overrides: INodeParameters = {}): INodeParameters => ({
	technique: technique('every-output-type'),
	...overrides,
});

interface ErrorCase {
	code: string;
	status: number;
	message: RegExp;
	advice: RegExp;
	retryable?: boolean;
}

// Every error code of FLORA's contract, and what the node must tell a non-programmer.
const errorTable: ErrorCase[] = [
	{
		code: 'input_validation_error',
		status: 400,
		message: /rejected the inputs/,
		advice: /Check the node's inputs and parameters/,
	},
	{
		code: 'invalid_json',
		status: 400,
		message: /could not read the request/,
		advice: /report it with the request ID/,
	},
	{
		code: 'unauthorized',
		status: 401,
		message: /did not accept the credentials/,
		advice: /paste the key/,
	},
	{
		code: 'invalid_api_key',
		status: 401,
		message: /invalid or has been revoked/,
		advice: /Create a new key/,
	},
	{
		code: 'insufficient_credits',
		status: 402,
		message: /Not enough FLORA credits/,
		advice: /Top up credits/,
	},
	{ code: 'forbidden', status: 403, message: /not allowed/, advice: /lacks permission/ },
	{
		code: 'not_found',
		status: 404,
		message: /could not find/,
		advice: /Check the ID the node was given/,
	},
	{
		code: 'idempotency_duplicate',
		status: 409,
		message: /already started a run with this idempotency key/,
		advice: /different Idempotency Key/,
	},
	{ code: 'conflict', status: 409, message: /current state/, advice: /not in a state/ },
	{
		code: 'idempotency_conflict',
		status: 422,
		message: /used with different inputs/,
		advice: /new Idempotency Key/,
	},
	{
		code: 'rate_limited',
		status: 429,
		message: /rate limiting/,
		advice: /tried 5 times/,
		retryable: true,
	},
	{
		code: 'unknown_error',
		status: 500,
		message: /internal error/,
		advice: /tried 5 times.*support/,
		retryable: true,
	},
	{
		code: 'internal_error',
		status: 500,
		message: /internal error/,
		advice: /tried 5 times.*support/,
		retryable: true,
	},
	{
		code: 'service_unavailable',
		status: 503,
		message: /temporarily unavailable/,
		advice: /tried 5 times.*few minutes/,
		retryable: true,
	},
	{
		code: 'teapot_is_empty',
		status: 418,
		message: /answered with an error/,
		advice: /"teapot_is_empty" with HTTP status 418/,
	},
];

describe('every FLORA error code becomes a NodeApiError a non-programmer can act on', () => {
	test.each(errorTable)(
		'$code (HTTP $status)',
		async ({ code, status, message, advice, retryable }) => {
			flora.sim.injectFault({
				route: RUN_ROUTE,
				times: retryable ? 5 : 1,
				kind: 'status',
				status,
				code,
				message: `simulated ${code}`,
				headers: retryable ? { 'retry-after-ms': '1' } : {},
			});

			// A key refused as used is the user's: the node's own is refused only when an earlier
			// attempt of the execution used it (test/execution-run-again.test.ts).
			const ownKey = code.startsWith('idempotency_') ? { options: { idempotencyKey: 'k-1' } } : {};
			const result = await runFlora(flora.sim, run(ownKey));

			expect(result.status).toBe('error');
			const error = result.nodes[FLORA_NODE].error!;
			expect(error.name).toBe('NodeApiError');
			expect((error as unknown as { httpCode: string }).httpCode).toBe(String(status));
			expect(error.message).toMatch(message);
			expect(error.message).toContain(`simulated ${code}`);
			expect(error.description).toMatch(advice);
			expect(error.description).toMatch(/Request ID: req_\S+/);
			expect(flora.sim.countRequests(RUN_ROUTE)).toBe(retryable ? 5 : 1);
			expect(JSON.stringify(error)).not.toContain(DEFAULT_API_KEY);
			expect(
				JSON.stringify({ message: error.message, description: error.description }),
			).not.toContain(DEFAULT_API_KEY);
		},
	);

	test('input_validation_error lists every field FLORA named', async () => {
		// FLORA may refuse inputs the node cannot check beforehand (say, a prompt its filters reject).
		const fields = [
			{ field: 'inputs[0].value', message: 'is too long' },
			{ field: 'inputs', message: 'missing required input "product_image" (imageUrl)' },
			{ field: 'colour', message: 'is not allowed' },
		];
		flora.sim.injectFault({
			route: RUN_ROUTE,
			kind: 'status',
			status: 400,
			code: 'input_validation_error',
			fields,
		});

		const result = await runFlora(flora.sim, run());

		const error = result.nodes[FLORA_NODE].error!;
		expect(error.message).toMatch(/rejected the inputs/);
		const bullets = (error.description ?? '').split('\n').filter((line) => line.startsWith('• '));
		expect(bullets).toEqual(fields.map(({ field, message }) => `• ${field}: ${message}`));
	});

	test('a wrong API key fails with the invalid key message and never shows the key', async () => {
		const result = await runFlora(flora.sim, run(), { apiKey: 'sk_live_not_a_real_key_123' });

		const error = result.nodes[FLORA_NODE].error!;
		expect(error.message).toMatch(/invalid or has been revoked/);
		expect(JSON.stringify(error)).not.toContain('sk_live_not_a_real_key_123');
		expect(error.description).not.toContain('sk_live_not_a_real_key_123');
	});

	test('an archived technique is refused naming the technique and FLORA’s reason, not blaming the key, and nothing starts', async () => {
		const result = await runFlora(flora.sim, run({ technique: technique('archived-campaign') }));

		const error = result.nodes[FLORA_NODE].error!;
		expect(error.message).toBe(
			'FLORA does not let the technique "Archived Campaign Kit" (tech_archived_campaign) run: Technique "tech_archived_campaign" is archived and can no longer be run.',
		);
		expect(error.description).not.toMatch(/API key is not allowed|lacks permission/);
		expect(flora.sim.runsCreated()).toBe(0);
	});

	test('a read-only (viewer) key is still told that the key may not start runs', async () => {
		const result = await runFlora(flora.sim, run(), { apiKey: VIEWER_API_KEY });

		expect(result.nodes[FLORA_NODE].error!.message).toMatch(/^This FLORA API key is not allowed/);
	});

	test('too few credits fail with the top-up advice and start nothing', async () => {
		flora.sim.setCredits(0);

		const result = await runFlora(flora.sim, run());

		expect(result.nodes[FLORA_NODE].error!.description).toMatch(/Top up credits/);
		expect(flora.sim.runsCreated()).toBe(0);
	});

	test('under Continue On Fail an API error becomes an error item with FLORA’s code and request id', async () => {
		flora.sim.injectFault({
			route: RUN_ROUTE,
			kind: 'status',
			status: 402,
			code: 'insufficient_credits',
		});

		const result = await runFlora(flora.sim, run(), { continueOnFail: true });

		const items = result.items(FLORA_NODE);
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].json).toEqual({
			error: expect.objectContaining({
				message: expect.stringMatching(/Not enough FLORA credits/),
				error_code: 'insufficient_credits',
				request_id: expect.stringMatching(/^req_/),
			}),
		});
	});
});

interface BadParameter {
	name: string;
	parameters: INodeParameters;
	message: RegExp;
}

const badParameters: BadParameter[] = [
	{
		name: 'a technique expression that resolves to nothing',
		parameters: { technique: technique('={{ $json.missing ?? "" }}') },
		message: /No technique chosen/,
	},
	{
		name: 'a technique URL (from an expression) that is not a FLORA technique URL',
		parameters: { technique: technique('={{ "https://example.com/techniques/x" }}', 'url') },
		message: /not a FLORA technique URL/,
	},
	{
		name: 'a technique ID (from an expression) that is neither tech_… nor a slug',
		parameters: { technique: technique('={{ "Product Shot!" }}') },
		message: /not a technique ID or slug/,
	},
	{
		name: 'an input without an ID',
		parameters: { inputs: { input: [{ id: '', type: 'text', value: 'x' }] } },
		message: /Input 1 has no ID/,
	},
	{
		name: 'an input without a value',
		parameters: { inputs: { input: [{ id: 'prompt', type: 'text', value: '' }] } },
		message: /Input "prompt" has no value/,
	},
	{
		name: 'an unknown input type',
		parameters: {
			inputsSource: 'json',
			inputsJson: '[{"id":"prompt","type":"audioUrl","value":"https://x.test/a.mp3"}]',
		},
		message: /unknown type "audioUrl"/,
	},
	{
		name: 'a media input that is not a URL',
		parameters: {
			inputs: { input: [{ id: 'product_image', type: 'imageUrl', value: 'chair.png' }] },
		},
		message: /is not a URL/,
	},
	{
		name: 'inputsJson that is not JSON',
		parameters: { inputsSource: 'json', inputsJson: '[{"id": ' },
		message: /not valid JSON/,
	},
	{
		name: 'inputsJson that is not an array',
		parameters: { inputsSource: 'json', inputsJson: '{"id":"prompt","type":"text","value":"x"}' },
		message: /must be a JSON array/,
	},
	{
		name: 'inputsJson entries of the wrong shape',
		parameters: {
			inputsSource: 'json',
			inputsJson: '[{"id":"prompt","type":"text","value":"x","weight":2}]',
		},
		message: /unknown fields: weight/,
	},
	{
		name: 'an empty inputsJson array',
		parameters: { inputsSource: 'json', inputsJson: '[]' },
		message: /at least one input/,
	},
	{
		name: 'a callback URL that is not https',
		parameters: { options: { callbackUrl: 'http://example.com/hook' } },
		message: /Callback URL must be an https/,
	},
	{
		name: 'a timeout below range',
		parameters: { options: { timeout: 0 } },
		message: /Timeout must be between 1 and 86400/,
	},
	{
		name: 'a timeout above range',
		parameters: { options: { timeout: 90000 } },
		message: /Timeout must be between/,
	},
	{
		name: 'a poll interval below range',
		parameters: { options: { pollInterval: 0.1 } },
		message: /Poll Interval must be between 0.5 and 300/,
	},
	{
		name: 'a poll interval above range',
		parameters: { options: { pollInterval: 301 } },
		message: /Poll Interval must be between/,
	},
];

describe('bad parameters fail before any request is sent', () => {
	test.each(badParameters)('$name', async ({ parameters, message }) => {
		const result = await runFlora(flora.sim, run(parameters));

		expect(result.status).toBe('error');
		const error = result.nodes[FLORA_NODE].error!;
		expect(error.name).toBe('NodeOperationError');
		expect(error.message).toMatch(message);
		expect((error.context as { itemIndex?: number }).itemIndex).toBe(0);
		expect(flora.sim.requests).toHaveLength(0);
	});

	test('a technique left empty in the editor is refused by n8n itself before the node runs', async () => {
		await expect(runFlora(flora.sim, run({ technique: technique('') }))).rejects.toThrow(
			/Parameter "Technique" is required/,
		);
		expect(flora.sim.requests).toHaveLength(0);
	});

	test('a bad parameter on the second item stops the node before the first item’s run starts', async () => {
		const result = await runFlora(flora.sim, run({ inputs: textInput('={{ $json.prompt }}') }), {
			triggerItems: prompts('a good prompt', ''),
		});

		const error = result.nodes[FLORA_NODE].error!;
		expect(error.message).toMatch(/has no value/);
		expect((error.context as { itemIndex?: number }).itemIndex).toBe(1);
		expect(flora.sim.requests).toHaveLength(0);
	});

	test('under Continue On Fail a bad item becomes an error item and the good ones run', async () => {
		const result = await runFlora(
			flora.sim,
			run({ inputs: textInput('={{ $json.prompt }}'), options: { outputLayout: 'perRun' } }),
			{ continueOnFail: true, triggerItems: prompts('', 'a good prompt') },
		);

		const items = result.items(FLORA_NODE);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json).toEqual({
			error: expect.objectContaining({ message: expect.stringMatching(/has no value/) }),
		});
		expect(items[1].json.status).toBe('completed');
		expect(flora.sim.runsCreated()).toBe(1);
	});
});
