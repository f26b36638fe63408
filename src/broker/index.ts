export { Portfolio } from './portfolio.ts';
export { costModel, commission, executionPrice, CostTotals, type CostModel, type CostOptions } from './costs.ts';
export { rebalance, executeCarried, rebalanceScratch, sizeShares, affordableShares, affordable, type Fill, type RebalanceOptions, type RebalanceScratch } from './rebalance.ts';
export { Carry } from './carry.ts';
export { MarketModel, DEFAULT_ADV_DAYS, type MarketData, type MarketSettings } from './market-model.ts';
export { IMPACT_MODELS, type ImpactModel } from './impact.ts';
