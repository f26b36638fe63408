export { Portfolio } from './portfolio.ts';
export { costModel, commission, executionPrice, type CostModel } from './costs.ts';
export { rebalance, rebalanceScratch, sizeShares, affordableShares, type Fill, type RebalanceOptions, type RebalanceScratch } from './rebalance.ts';
