/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/**
 * Start the FLORA API simulator from a shell:
 *   tsx simulator/cli.ts [--port 4010] [--media-port N] [--host 127.0.0.1] [--time-scale N]
 *                        [--map-host HOST=ORIGIN]... [--stream-format event-stream|json] [--credits USD]
 * --map-host (test mode, repeatable): callbacks for https://HOST/… are delivered to ORIGIN/…
 * (e.g. --map-host n8n.flora.test=http://127.0.0.1:5678); see SimulatorOptions.callbackHosts.
 * Prints the base URL, the API key and the webhook secret; runs until SIGINT/SIGTERM.
 */
import {
	DEFAULT_API_KEY,
	DEFAULT_WEBHOOK_SECRET,
	VIEWER_API_KEY,
	startSimulator,
	type SimulatorOptions,
} from './index';

function parseArgs(argv: string[]): SimulatorOptions {
	const opts: SimulatorOptions = {};
	const num = (flag: string, v: string | undefined): number => {
		const n = Number(v);
		if (v === undefined || !Number.isFinite(n)) throw new Error(`${flag} needs a number`);
		return n;
	};
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		const [flag, inline] = a.includes('=')
			? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
			: [a, undefined];
		const value = () => inline ?? argv[++i];
		switch (flag) {
			case '--port':
				opts.port = num(flag, value());
				break;
			case '--media-port':
				opts.mediaPort = num(flag, value());
				break;
			case '--host':
				opts.host = value();
				break;
			case '--time-scale':
				opts.timeScale = num(flag, value());
				break;
			case '--credits':
				opts.credits = num(flag, value());
				break;
			case '--stream-format': {
				const v = value();
				if (v !== 'event-stream' && v !== 'json')
					throw new Error('--stream-format is event-stream or json');
				opts.streamFormat = v;
				break;
			}
			case '--map-host': {
				const v = value() ?? '';
				const at = v.indexOf('=');
				if (at <= 0)
					throw new Error(
						'--map-host needs HOST=ORIGIN, e.g. n8n.flora.test=http://127.0.0.1:5678',
					);
				opts.callbackHosts = { ...opts.callbackHosts, [v.slice(0, at)]: v.slice(at + 1) };
				break;
			}
			case '--help':
			case '-h':
				process.stdout.write(
					'tsx simulator/cli.ts [--port 4010] [--media-port N] [--host H] [--time-scale N] [--map-host HOST=ORIGIN]... [--stream-format event-stream|json] [--credits USD]\n',
				);
				process.exit(0);
				break;
			default:
				throw new Error(`unknown argument ${a}`);
		}
	}
	return opts;
}

async function main(): Promise<void> {
	const opts = parseArgs(process.argv.slice(2));
	const sim = await startSimulator(opts);
	const lines = [
		'FLORA API simulator',
		`  base URL        ${sim.baseUrl}`,
		`  media origin    ${sim.mediaOrigin}`,
		`  API key         ${DEFAULT_API_KEY}`,
		`  viewer API key  ${VIEWER_API_KEY}`,
		`  webhook secret  ${opts.webhookSecret ?? DEFAULT_WEBHOOK_SECRET}`,
		`  time scale      ${opts.timeScale ?? 1}`,
		`  control         ${sim.baseUrl.replace(/\/api\/v1$/, '')}/_simulator/state`,
		...Object.entries(opts.callbackHosts ?? {}).map(
			([host, origin]) => `  callbacks for   https://${host}/… go to ${origin}/… (test mode)`,
		),
	];
	process.stdout.write(lines.join('\n') + '\n');
	let closing = false;
	const stop = (sig: string) => {
		if (closing) return;
		closing = true;
		process.stdout.write(`\n${sig}: stopping\n`);
		sim.close().then(
			() => process.exit(0),
			() => process.exit(1),
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((e) => {
	process.stderr.write(`flora simulator: ${(e as Error).message}\n`);
	process.exit(1);
});
