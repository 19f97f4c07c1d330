/* Bad input fails before any paid request, with an error that names the field. */
import type { INodeParameters } from 'n8n-workflow';

import { FLORA_NODE, RUN_ROUTE, runFlora, technique, useSimulator } from './harness/flora';

const flora = useSimulator({ timeScale: 50 });

const deepValue = '(() => { let v = "x"; for (let i = 0; i < 5000; i++) v = [v]; return v; })()';

async function refused(parameters: INodeParameters, typeVersion = 1) {
	const result = await runFlora(
		flora.sim,
		{ technique: technique('every-output-type'), ...parameters },
		{ typeVersion },
	);
	expect(result.status).toBe('error');
	expect(flora.sim.countRequests(RUN_ROUTE)).toBe(0);
	return result.nodes[FLORA_NODE].error!;
}

const manual = (...input: Array<{ id: string; type: string; value: string }>) => ({
	inputsSource: 'manual',
	inputs: { input },
});

describe('values that are not text', () => {
	test.each([
		['Define Below', manual({ id: 'prompt', type: 'text', value: '={{ NaN }}' }), 1],
		[
			'JSON',
			{ inputsSource: 'json', inputsJson: '={{ [{ id: "prompt", type: "text", value: 1 / 0 }] }}' },
			1,
		],
		[
			'fields from the technique',
			{
				inputsSource: 'fields',
				inputFields: {
					mappingMode: 'defineBelow',
					value: { prompt: '={{ NaN }}' },
					schema: [
						{ id: 'prompt', displayName: 'Prompt', required: true, display: true, type: 'string' },
					],
				},
			},
			2,
		],
	])(
		'NaN or Infinity in %s is refused instead of being sent as "null"',
		async (_mode, parameters, version) => {
			const error = await refused(parameters as INodeParameters, version as number);
			expect(error.message).toMatch(
				/^(Input "prompt"|The input "Prompt" \(prompt\)) is not a number FLORA can take/,
			);
		},
	);

	test('a value nested 5,000 levels deep names the field instead of overflowing the stack', async () => {
		const error = await refused({
			inputsSource: 'json',
			inputsJson: `={{ [{ id: "prompt", type: "text", value: ${deepValue} }] }}`,
		});
		expect(error.message).toBe('Inputs (JSON) is nested too deeply to send');
	});

	test('a value nested 40 levels deep in a Define Below input names the input', async () => {
		const error = await refused(
			manual({
				id: 'prompt',
				type: 'text',
				value:
					'={{ (() => { let v = "x"; for (let i = 0; i < 40; i++) v = { v }; return v; })() }}',
			}),
		);
		expect(error.message).toBe('Input "prompt" is nested too deeply to send');
	});
});

describe('idempotency keys travel in a header', () => {
	test.each([
		['a line break', 'key\r\nX-Injected: 1'],
		['non-ASCII characters', 'clé-été-🎨'],
	])('a key with %s is refused before any request', async (_what, key) => {
		const error = await refused({ options: { idempotencyKey: key } });
		expect(error.message).toBe('Idempotency Key may only hold printable ASCII characters');
		expect(flora.sim.requests).toHaveLength(0);
	});

	test('a key longer than 255 characters is refused, naming the field, instead of "HTTP status 431"', async () => {
		const error = await refused({ options: { idempotencyKey: 'k'.repeat(20_000) } });
		expect(error.message).toBe('Idempotency Key is 20000 characters long; FLORA takes at most 255');
	});

	test('a key of 255 printable characters is sent as it is', async () => {
		const key = `campaign ${'x'.repeat(246)}`;
		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			options: { idempotencyKey: key },
		});
		expect(result.status).toBe('success');
		expect(
			flora.sim.requests.find((request) => request.route === RUN_ROUTE)?.headers['idempotency-key'],
		).toBe(key);
	});
});

describe('callback addresses FLORA refuses', () => {
	test.each([
		'https://localhost/hook',
		'https://127.0.0.1/hook',
		'https://169.254.169.254/latest/meta-data',
		'https://10.0.0.7/hook',
		'https://192.168.1.20/hook',
		'https://[::1]/hook',
		'https://2130706433/hook',
	])('%s fails before any request, naming the Callback URL', async (callbackUrl) => {
		const error = await refused({ options: { callbackUrl } });
		expect(error.message).toMatch(/^Callback URL points to \S+, which FLORA cannot call$/);
		expect(flora.sim.requests).toHaveLength(0);
	});

	test('a public HTTPS address passes the check', async () => {
		const result = await runFlora(flora.sim, {
			technique: technique('every-output-type'),
			options: { callbackUrl: 'https://hooks.example.com/flora' },
			waitForCompletion: false,
		});
		expect(result.status).toBe('success');
	});
});

describe("slot ids against the technique's schema (Define Below)", () => {
	test('an unknown slot id fails before the run request, listing the slots the technique has', async () => {
		const error = await refused(manual({ id: 'colour', type: 'text', value: 'red' }));
		expect(error.message).toBe('The technique "Every Output Type" has no input "colour"');
		expect(error.description).toMatch(/Its inputs are: prompt \(text\)/);
	});

	test('a slot that takes one value, given twice, fails before the run request', async () => {
		const error = await refused(
			manual(
				{ id: 'prompt', type: 'text', value: 'a' },
				{ id: 'prompt', type: 'text', value: 'b' },
			),
		);
		expect(error.message).toMatch(/^The input "[^"]+"( \(prompt\))? is given 2 times$/);
		expect(error.description).toMatch(/takes one value/);
		expect(flora.sim.requests.filter((request) => request.route === RUN_ROUTE)).toHaveLength(0);
	});

	test('a slot given the wrong type fails before the run request, naming the type it takes', async () => {
		const error = await refused({
			technique: technique('product-shot'),
			...manual(
				{ id: 'prompt', type: 'text', value: 'a chair' },
				{ id: 'product_image', type: 'videoUrl', value: 'https://example.com/chair.png' },
			),
		});
		expect(error.message).toMatch(
			/^The input "[^"]+" \(product_image\) takes imageUrl, not videoUrl$/,
		);
	});

	test('a required slot left out fails before the run request, naming it', async () => {
		const error = await refused({
			technique: technique('product-shot'),
			...manual({ id: 'prompt', type: 'text', value: 'a chair' }),
		});
		expect(error.message).toMatch(/needs the input "[^"]+" \(product_image\)$/);
	});
});
