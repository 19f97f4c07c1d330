import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** What an execution may spend, as the builder set it (USD). */
export interface SpendingLimit {
	maxCostUsd?: number;
	assumedCostUsd?: number;
}

/** The options of every operation that starts runs. */
export const spendingOptions: INodeProperties[] = [
	{
		displayName: 'Max Cost per Execution (USD)',
		name: 'maxCost',
		type: 'number',
		default: 10,
		typeOptions: { minValue: 0, numberPrecision: 2 },
		description:
			'The most this execution may spend on runs. Before the first run starts, the node adds up what every item’s run will cost and starts none if the sum is higher. A batch that grows by mistake then costs nothing.',
	},
	{
		displayName: 'Assumed Cost per Run (USD)',
		name: 'assumedCost',
		type: 'number',
		default: 0.1,
		typeOptions: { minValue: 0, numberPrecision: 2 },
		description:
			'What to count for a run whose cost FLORA does not state beforehand in dollars (a model gives its estimate in credits). Without it, Max Cost per Execution refuses such runs.',
	},
];

function usd(
	context: IExecuteFunctions,
	value: unknown,
	label: string,
	itemIndex: number,
): number | undefined {
	if (value === undefined || value === '' || value === null) return undefined;
	const number = Number(value);
	if (!Number.isFinite(number) || number < 0) {
		throw new NodeOperationError(context.getNode(), `${label} must be an amount of dollars`, {
			itemIndex,
			description: `It is set to "${String(value)}". Give a number such as 25 or 2.50, or remove the option.`,
		});
	}
	return number;
}

export function readSpendingLimit(
	context: IExecuteFunctions,
	options: IDataObject,
	itemIndex: number,
): SpendingLimit {
	return {
		maxCostUsd: usd(context, options.maxCost, 'Max Cost per Execution', itemIndex),
		assumedCostUsd: usd(context, options.assumedCost, 'Assumed Cost per Run', itemIndex),
	};
}

/** One item's run before it starts: what FLORA says it will cost, and what it is. */
export interface PlannedRun {
	itemIndex: number;
	/** USD, when FLORA states it beforehand. */
	costUsd?: number;
	/** How a message names it: "Technique "Product Shot"". */
	label: string;
}

const money = (amount: number) => `$${amount.toFixed(2)}`;

/**
 * Refuses the whole batch, before any paid request, when what its runs will cost passes the
 * limit. A run whose cost FLORA does not state counts as the assumed cost; without one, the
 * limit cannot be kept, and the batch is refused too.
 */
export function checkSpending(
	context: IExecuteFunctions,
	limit: SpendingLimit,
	runs: PlannedRun[],
): void {
	if (limit.maxCostUsd === undefined || runs.length === 0) return;
	const unknown = runs.filter((run) => run.costUsd === undefined);
	if (unknown.length > 0 && limit.assumedCostUsd === undefined) {
		throw new NodeOperationError(
			context.getNode(),
			`Max Cost per Execution is set, but FLORA states no cost in dollars for ${unknown[0].label} before it runs`,
			{
				itemIndex: unknown[0].itemIndex,
				description:
					'Add the option "Assumed Cost per Run" with what such a run costs you (a model’s estimate is in credits), or remove Max Cost per Execution. Nothing was started.',
			},
		);
	}
	const total = runs.reduce((sum, run) => sum + (run.costUsd ?? limit.assumedCostUsd ?? 0), 0);
	if (total <= limit.maxCostUsd + 1e-9) return;
	throw new NodeOperationError(
		context.getNode(),
		`These ${runs.length} runs would cost ${money(total)}, more than the Max Cost per Execution of ${money(limit.maxCostUsd)}`,
		{
			description: `Nothing was started or charged. ${
				unknown.length > 0
					? `${unknown.length} of them count as the Assumed Cost per Run (${money(limit.assumedCostUsd ?? 0)}). `
					: ''
			}Raise Max Cost per Execution, or send fewer items.`,
		},
	);
}
