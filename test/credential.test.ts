import { DEFAULT_API_KEY, VIEWER_API_KEY } from '../simulator';
import { loadPackage, testCredential } from './harness/engine';
import { useSimulator } from './harness/flora';

const flora = useSimulator();

describe('the FLORA API credential’s Test button', () => {
	test('a good key against the configured base URL succeeds with GET /workspaces', async () => {
		const result = await testCredential('floraApi', {
			apiKey: DEFAULT_API_KEY,
			baseUrl: flora.sim.baseUrl,
		});

		expect(result).toEqual({ status: 'OK', message: 'Connection successful!' });
		expect(flora.sim.requests.map((request) => request.route)).toEqual(['GET /workspaces']);
		expect(flora.sim.requests[0].headers.authorization).toBe(`Bearer ${DEFAULT_API_KEY}`);
	});

	test('a base URL with a trailing slash still reaches /workspaces', async () => {
		const result = await testCredential('floraApi', {
			apiKey: DEFAULT_API_KEY,
			baseUrl: `${flora.sim.baseUrl}/`,
		});

		expect(result.status).toBe('OK');
		expect(flora.sim.requests[0].route).toBe('GET /workspaces');
	});

	test('a read-only (viewer) key fails the test, saying it cannot start runs and what to use instead', async () => {
		const result = await testCredential('floraApi', {
			apiKey: VIEWER_API_KEY,
			baseUrl: flora.sim.baseUrl,
		});

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(
			/viewer role: it can read techniques and runs and cannot start runs/,
		);
		expect(result.message).toMatch(/editor or owner role/);
	});

	test('a bad key fails with a message that says what to do', async () => {
		const result = await testCredential('floraApi', {
			apiKey: 'sk_live_revoked',
			baseUrl: flora.sim.baseUrl,
		});

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/FLORA rejected this API key/);
		expect(result.message).not.toContain('sk_live_revoked');
	});
});

describe('the FLORA API credential’s fields', () => {
	test('are the API key, the base URL and the webhook signing secret, and nothing for tests', async () => {
		const { credentialTypes } = await loadPackage();
		const properties = credentialTypes.get('floraApi')!.properties;

		expect(properties.map((property) => property.name)).toEqual([
			'apiKey',
			'baseUrl',
			'webhookSecret',
		]);
		expect(properties.filter((property) => property.type === 'hidden')).toEqual([]);
		expect(JSON.stringify(properties)).not.toMatch(/test/i);
	});
});
