/* eslint-disable @n8n/community-nodes/no-restricted-globals -- dev tooling (simulator, tests, scripts) runs in Node outside n8n and is not shipped */
/*
 * Scenario 2: one run whose output is a 200 MB file, downloaded into binary data in n8n's
 * filesystem binary mode; the process's resident memory is sampled every 10 ms throughout.
 */
import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

import { startSimulator } from '../../simulator';
import { collectGarbage } from './environment';
import { binaryMode } from '../../test/harness/engine';
import { BENCH_TECHNIQUE, runTechnique } from './workflow';

export const DOWNLOAD = {
	outputBytes: 200 * 1024 * 1024,
	sampleEveryMs: 10,
	/** Run durations are short here; the time scale only shortens the run before the download. */
	timeScale: 20,
};

export interface DownloadResult {
	bytes: number;
	binaryMode: string;
	binaryId: string;
	wallMs: number;
	baselineRss: number;
	peakRss: number;
	samples: number;
	/** How a full GC was run before the baseline was taken. */
	gcBeforeBaseline: string;
}

/** Samples process.memoryUsage().rss until stopped, keeping the highest value seen. */
function startRssSampler(everyMs: number) {
	const seen = { peak: 0, samples: 0 };
	const sample = () => {
		seen.peak = Math.max(seen.peak, process.memoryUsage().rss);
		seen.samples++;
	};
	sample();
	const timer = setInterval(sample, everyMs);
	return {
		seen,
		stop() {
			clearInterval(timer);
			sample();
		},
	};
}

/** The size n8n's binary data service stored for a binary id. */
async function storedSize(binaryId: string): Promise<number> {
	const metadata = await Container.get(BinaryDataService).getMetadata(binaryId);
	return Number(metadata.fileSize);
}

export async function measureDownload(): Promise<DownloadResult> {
	const sim = await startSimulator({ timeScale: DOWNLOAD.timeScale });
	try {
		sim.setOutputBytes(BENCH_TECHNIQUE, DOWNLOAD.outputBytes);
		const gcBeforeBaseline = collectGarbage();
		const baselineRss = process.memoryUsage().rss;
		const sampler = startRssSampler(DOWNLOAD.sampleEveryMs);
		const run = await runTechnique(sim.baseUrl, { download: true }, [
			{ prompt: 'a 200 MB voice track' },
		]).finally(() => sampler.stop());
		const binary = run.items[0]?.binary?.data;
		if (!binary?.id) throw new Error('The downloaded output has no binary data id');
		const bytes = await storedSize(binary.id);
		if (bytes !== DOWNLOAD.outputBytes) {
			throw new Error(`The stored file has ${bytes} bytes, not ${DOWNLOAD.outputBytes}`);
		}
		await Container.get(BinaryDataService).deleteManyByBinaryDataId([binary.id]);
		return {
			bytes,
			binaryMode: binaryMode(),
			binaryId: binary.id,
			wallMs: run.wallMs,
			baselineRss,
			peakRss: sampler.seen.peak,
			samples: sampler.seen.samples,
			gcBeforeBaseline,
		};
	} finally {
		await sim.close();
	}
}
