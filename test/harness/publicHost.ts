/**
 * The public-looking HTTPS address tests give n8n. FLORA only calls public https URLs, and the
 * node refuses to hand it any other; so the harness's stand-ins for n8n (waiting.ts,
 * webhooks.ts) listen on loopback but name themselves https://n8n.flora.test:<port>/…, and the
 * simulator, in its test mode, delivers callbacks for that host to the loopback port over
 * plain HTTP (SimulatorOptions.callbackHosts). Nothing in the node or the credential knows.
 */
export const N8N_PUBLIC_HOST = 'n8n.flora.test';

/** The simulator's callbackHosts for the harness: the URL's own port, on loopback. */
export const LOOPBACK_CALLBACKS: Record<string, string> = { [N8N_PUBLIC_HOST]: 'http://127.0.0.1' };

/** The public name of a loopback listener's URL: http://127.0.0.1:PORT/x → https://n8n.flora.test:PORT/x. */
export function publicUrl(loopbackUrl: string): string {
	const url = new URL(loopbackUrl);
	if (url.hostname !== '127.0.0.1') throw new Error(`${loopbackUrl} is not a loopback URL`);
	return `https://${N8N_PUBLIC_HOST}:${url.port}${url.pathname}${url.search}`;
}

/** Back to the listener: https://n8n.flora.test:PORT/x → http://127.0.0.1:PORT/x (for tests posting themselves). */
export function loopbackUrl(url: string): string {
	const parsed = new URL(url);
	if (parsed.hostname !== N8N_PUBLIC_HOST) throw new Error(`${url} is not on ${N8N_PUBLIC_HOST}`);
	return `http://127.0.0.1:${parsed.port}${parsed.pathname}${parsed.search}`;
}
