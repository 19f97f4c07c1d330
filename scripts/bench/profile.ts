/* eslint-disable @n8n/community-nodes/no-restricted-imports -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * The node's own CPU time, separated from n8n's engine and HTTP client with V8's sampling
 * profiler: samples whose function lives in this package's dist/ are the node's own ("self");
 * samples anywhere below such a function on the stack are what it did synchronously
 * ("inclusive", which also counts n8n helpers the node called).
 */
import { Session } from 'node:inspector/promises';
import path from 'node:path';

import { PACKAGE_DIR } from '../../test/harness/engine';

interface ProfileNode {
	id: number;
	callFrame: { url: string; functionName: string };
	children?: number[];
}

interface Profile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

export interface OwnCpu {
	selfMs: number;
	inclusiveMs: number;
	sampledMs: number;
}

export async function profileOwnCpu<T>(
	work: () => Promise<T>,
): Promise<{ result: T; own: OwnCpu }> {
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.setSamplingInterval', { interval: 200 });
	await session.post('Profiler.start');
	try {
		const result = await work();
		const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
		return { result, own: attribute(profile) };
	} finally {
		session.disconnect();
	}
}

function attribute(profile: Profile): OwnCpu {
	const dist = `${path.join(PACKAGE_DIR, 'dist')}${path.sep}`;
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parentOf = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parentOf.set(child, node.id);
	const isOurs = (id: number) => byId.get(id)!.callFrame.url.includes(dist);
	const underOurs = (id: number) => {
		for (
			let current: number | undefined = id;
			current !== undefined;
			current = parentOf.get(current)
		) {
			if (isOurs(current)) return true;
		}
		return false;
	};
	let self = 0;
	let inclusive = 0;
	let sampled = 0;
	profile.samples.forEach((id, index) => {
		const micros = profile.timeDeltas[index] ?? 0;
		const name = byId.get(id)!.callFrame.functionName;
		if (name === '(idle)') return;
		sampled += micros;
		if (isOurs(id)) self += micros;
		if (underOurs(id)) inclusive += micros;
	});
	return { selfMs: self / 1000, inclusiveMs: inclusive / 1000, sampledMs: sampled / 1000 };
}
