import { describe, expect, it } from 'vitest';
import { walkForwardOf, type WalkForwardRun } from '../../src/app/walk-forward.ts';
import type { RunConfig } from '../../src/config/run-config.ts';
import type { VariantOutcome } from '../../src/metrics/outcome.ts';
import { parseWalkForward } from '../../src/walkforward/index.ts';

describe('a walk-forward of an interrupted sweep', () => {
  it('is not run: one warning says why (a choice among the variants that happened to finish is another walk-forward)', () => {
    const config = { walkForward: parseWalkForward('train=20,test=10'), variants: [{ k: 1 }, { k: 2 }, { k: 3 }] } as unknown as RunConfig;
    const folds = [{ index: 0, trainStart: 0, trainEnd: 19, testStart: 20, testEnd: 29 }];
    const warnings: string[] = [];
    const finished = [{ id: 1 }, { id: 2 }] as unknown as VariantOutcome[];
    expect(walkForwardOf(config, folds, { outcomes: finished, interrupted: true }, {} as WalkForwardRun, warnings)).toBeUndefined();
    expect(warnings).toEqual(['the walk-forward was not run: the sweep was interrupted with 2 of 3 variants finished, and a choice among those would not be the one asked for']);
  });
});
