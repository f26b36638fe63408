export { Portfolio } from './portfolio.ts';
export { costModel, commission, executionPrice, type CostModel } from './costs.ts';
export { rebalance, sizeShares, affordableShares, type Fill, type RebalanceOptions } from './rebalance.ts';
