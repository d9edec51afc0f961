package store

// AnalysisStore keeps the analysis domain. Methods are added with the analysis package.
type AnalysisStore interface {
}
