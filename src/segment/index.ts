/** Customer portfolio analysis (`crm segment`): the public entry points. See docs/segment.md. */
export { segmentPortfolio, type CustomerSegment, type SegmentPortfolioOptions, type SegmentPortfolioResult } from './segment-portfolio.js';
export { quantileScores, rfmCode, rfmMeasures, rfmScores, rfGrid, scoreBands, type GridCell, type MonetaryMeasure, type RfmScores, type ScoreBand } from './rfm.js';
export {
  assignSegment, checkSegmentTable, compileSegmentTable, defaultSegmentTable, OTHERS, rescaleScore, segmentStatistics, segmentTableCoverage,
  type SegmentDefinition, type SegmentRule, type SegmentStatistics, type SegmentTable,
} from './segments.js';
export { concentration, gini, topCount, type AbcClass, type ConcentrationOptions, type ConcentrationResult } from './concentration.js';
export { clusterCustomers, type ClusterOptions, type ClusterProfile, type ClusterResult } from './clusters.js';
export { kMeans, meanSilhouette, seededRandom, TooFewPointsError, type KMeansFit } from './k-means.js';
export { MISSING, profileByAttribute, type AttributeProfile } from './profile.js';
