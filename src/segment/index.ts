/** Customer portfolio analysis (`crm segment`): the public entry points. See docs/segment.md. */
export { segmentPortfolio, type CustomerSegment, type SegmentPortfolioOptions, type SegmentPortfolioResult } from './segment-portfolio.js';
export {
  checkBins, DEFAULT_BINS, quantileScores, rfGrid, rfmCode, rfmMeasures, rfmScores, scoreBands,
  type GridCell, type MonetaryMeasure, type RfmMeasures, type RfmOptions, type RfmScores, type ScoreBand,
} from './rfm.js';
export {
  assignSegment, checkSegmentTable, compileSegmentTable, defaultSegmentTable, OTHERS, rescaleScore, segmentIndex, segmentStatistics, segmentTableCoverage,
  type SegmentDefinition, type SegmentLookup, type SegmentRule, type SegmentStatistics, type SegmentTable, type SegmentTableCoverage,
} from './segments.js';
export {
  concentration, gini, topCount,
  type AbcClass, type AbcSummary, type ConcentrationOptions, type ConcentrationResult, type LorenzPoint, type TopShare,
} from './concentration.js';
export {
  attributeFeatures, BASE_FEATURES, clusterCustomers, signedExpm1, signedLog1p,
  type ClusterCandidate, type ClusterInput, type ClusterOptions, type ClusterProfile, type ClusterResult, type FeatureTransform,
} from './clusters.js';
export { kMeans, meanSilhouette, sampleIndices, seededRandom, TooFewPointsError, type KMeansFit, type KMeansOptions } from './k-means.js';
export { MISSING, profileByAttribute, type AttributeProfile, type ProfileCell, type ProfileValue } from './profile.js';
