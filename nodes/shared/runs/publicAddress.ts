/** What FLORA calls back: public HTTPS addresses only. */

/** Hosts FLORA refuses to call: localhost, and loopback, private or link-local addresses. */
function isLocalOrPrivateHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	if (host === 'localhost' || host.endsWith('.localhost')) return true;
	// WHATWG URL parsing has already written any IPv4 form as four decimal parts.
	if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) {
		const [a, b] = host.split('.').map(Number);
		return (
			a === 0 ||
			a === 10 ||
			a === 127 ||
			(a === 169 && b === 254) ||
			(a === 172 && b >= 16 && b <= 31) ||
			(a === 192 && b === 168) ||
			(a === 100 && b >= 64 && b <= 127)
		);
	}
	if (host.includes(':')) {
		const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
		if (mapped) return isLocalOrPrivateHost(mapped[1]);
		return host === '::' || host === '::1' || /^f[cd]/.test(host) || /^fe[89ab]/.test(host);
	}
	return false;
}

/** Why FLORA would refuse to call an address: it is not an https:// URL, or its host is local or private. */
export type RefusedAddress = { reason: 'notHttps' } | { reason: 'localOrPrivate'; host: string };

export function refusedByFlora(address: string): RefusedAddress | undefined {
	let url: URL;
	try {
		url = new URL(address);
	} catch {
		return { reason: 'notHttps' };
	}
	if (url.protocol !== 'https:') return { reason: 'notHttps' };
	if (isLocalOrPrivateHost(url.hostname)) return { reason: 'localOrPrivate', host: url.hostname };
	return undefined;
}
