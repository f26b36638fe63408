export { TradeLog, tradeReason, tradedNotional, type TradeColumns, type TradeReason } from './trade-log.ts';
export { allocateCurve, type EquityCurve } from './equity-curve.ts';
