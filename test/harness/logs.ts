/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * What the nodes log through n8n's logger, captured. n8n-core reads its logger from the DI
 * container under the Logger class of its own copy of @n8n/backend-common, so that is the
 * class the capture is registered under.
 */
import { Container } from '@n8n/di';
import path from 'node:path';

export interface LogLine {
	at: number;
	level: string;
	line: string;
}

/** Registers a logger that keeps every line, for the test file; answers the lines. */
export function captureLogs(): LogLine[] {
	const lines: LogLine[] = [];
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Logger } = require(
		require.resolve('@n8n/backend-common', { paths: [path.dirname(require.resolve('n8n-core'))] }),
	) as { Logger: new (...args: never[]) => unknown };
	const capture = (level: string) => (message: string, meta?: unknown) =>
		lines.push({ at: Date.now(), level, line: `${message} ${JSON.stringify(meta ?? {})}` });
	const logger = {
		error: capture('error'),
		warn: capture('warn'),
		info: capture('info'),
		debug: capture('debug'),
		scoped: () => logger,
	};
	Container.set(Logger, logger);
	return lines;
}
