package ingest

import "github.com/budgetlens/budgetlens/budget"

// FiscalDataPackage and Boston readers are being written; until then they refuse.
func FiscalDataPackage(path string, opt Options) ([]*budget.Batch, error) {
	return nil, budget.Errorf(budget.EINVALID, "%s: Fiscal Data Packages are not readable yet", path)
}
func BostonDir(path string, opt Options) ([]*budget.Batch, error) {
	return nil, budget.Errorf(budget.EINVALID, "%s: Boston JSON is not readable yet", path)
}
func BostonFile(path string, opt Options) (*budget.Batch, error) {
	return nil, budget.Errorf(budget.EINVALID, "%s: Boston JSON is not readable yet", path)
}
