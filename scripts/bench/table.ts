/** Plain-text tables for the printed report. */

export type Row = Array<string | number>;

/** Left-aligns the first column, right-aligns the others; a rule under the header. */
export function formatTable(header: string[], rows: Row[]): string {
	const cells = [header, ...rows.map((row) => row.map(String))];
	const widths = header.map((_, column) =>
		Math.max(...cells.map((row) => (row[column] ?? '').length)),
	);
	const line = (row: string[]) =>
		row
			.map((cell, column) =>
				column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
			)
			.join('  ')
			.trimEnd();
	const rule = widths.map((width) => '-'.repeat(width)).join('  ');
	return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

export const seconds = (ms: number, digits = 1) =>
	Number.isFinite(ms) ? `${(ms / 1000).toFixed(digits)} s` : '—';

export const megabytes = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

export const times = (ratio: number, digits = 2) =>
	Number.isFinite(ratio) ? `${ratio.toFixed(digits)}×` : '—';

export const percent = (ratio: number) =>
	Number.isFinite(ratio) ? `${(ratio * 100).toFixed(1)} %` : '—';
