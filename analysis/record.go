package analysis

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// Record is a stored analysis: its key, the hash of its inputs and the result.
type Record struct {
	ID           int64   `json:"id"`
	Jurisdiction string  `json:"jurisdiction"`
	FiscalYear   string  `json:"fiscal_year"`
	Phase        string  `json:"phase"`
	Layer        string  `json:"layer"`
	NeedRun      int64   `json:"need_run"`
	InputsHash   string  `json:"inputs_hash"`
	Version      string  `json:"budgetlens_version"`
	Result       *Result `json:"result"`
}

// NewRecord wraps a result for storage; InputsHash is the sha256 of the
// provenance's JSON (inputs, rules, need spec and version).
func NewRecord(r *Result) *Record {
	return &Record{Jurisdiction: r.Jurisdiction, FiscalYear: r.FiscalYear, Phase: r.Phase, Layer: r.Layer.Name, NeedRun: r.Provenance.NeedRun,
		InputsHash: InputsHash(r), Version: r.Provenance.Version, Result: r}
}

// InputsHash is the sha256 of the result's provenance as JSON.
func InputsHash(r *Result) string {
	b, _ := json.Marshal(r.Provenance)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// RecordInfo summarises a stored analysis.
type RecordInfo struct {
	ID           int64  `json:"id"`
	Jurisdiction string `json:"jurisdiction"`
	FiscalYear   string `json:"fiscal_year"`
	Phase        string `json:"phase"`
	Layer        string `json:"layer"`
	NeedRun      int64  `json:"need_run"`
	InputsHash   string `json:"inputs_hash"`
}

// Dataset is a named auxiliary input kept with the analyses: service-demand
// counts per area of a layer (kind "demand", name = layer), population-group
// counts per tract (kind "groups"). Body is JSON.
type Dataset struct {
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Source    string `json:"source"`
	SHA256    string `json:"sha256"`
	Synthetic bool   `json:"synthetic"`
	Body      []byte `json:"-"`
}

// DemandData is the body of a "demand" dataset: counts per request type by
// area id.
type DemandData struct {
	Layer  string                        `json:"layer"`
	Counts map[string]map[string]float64 `json:"counts"` // type -> area id -> count
	// Estimated marks counts that estimate a period's requests (a sample
	// expanded to a volume per stratum: office.ExpandDemand), not requests
	// counted one by one; Outside is the requests in no area of the layer.
	Estimated bool    `json:"estimated,omitempty"`
	Outside   float64 `json:"outside,omitempty"`
}

// EstimatedDemandDataset packs an estimate of a period's demand by
// position in layer, with the requests estimated outside every area.
func EstimatedDemandDataset(layer string, areaIDs []string, d map[string][]float64, outside float64, source, hash string, synthetic bool) (*Dataset, error) {
	ds, err := DemandDataset(layer, areaIDs, d, source, hash, synthetic)
	if err != nil {
		return nil, err
	}
	var dd DemandData
	if err := json.Unmarshal(ds.Body, &dd); err != nil {
		return nil, err
	}
	dd.Estimated, dd.Outside = true, outside
	if ds.Body, err = json.Marshal(dd); err != nil {
		return nil, err
	}
	return ds, nil
}

// DemandInfo says whether a demand dataset is an estimate, and how many
// of its requests lie in no area of its layer.
func (d *Dataset) DemandInfo() (estimated bool, outside float64, err error) {
	var dd DemandData
	if err := json.Unmarshal(d.Body, &dd); err != nil {
		return false, 0, err
	}
	return dd.Estimated, dd.Outside, nil
}

// DemandDataset packs demand by position in layer into a dataset.
func DemandDataset(layer string, areaIDs []string, d map[string][]float64, source, hash string, synthetic bool) (*Dataset, error) {
	dd := DemandData{Layer: layer, Counts: map[string]map[string]float64{}}
	for t, v := range d {
		m := map[string]float64{}
		for i, c := range v {
			if c != 0 {
				m[areaIDs[i]] = c
			}
		}
		dd.Counts[t] = m
	}
	b, err := json.Marshal(dd)
	if err != nil {
		return nil, err
	}
	return &Dataset{Kind: "demand", Name: layer, Source: source, SHA256: hash, Synthetic: synthetic, Body: b}, nil
}

// Demand unpacks a demand dataset by position in the layer with these ids.
func (d *Dataset) Demand(areaIDs []string) (map[string][]float64, error) {
	var dd DemandData
	if err := json.Unmarshal(d.Body, &dd); err != nil {
		return nil, err
	}
	out := map[string][]float64{}
	for t, m := range dd.Counts {
		v := make([]float64, len(areaIDs))
		for i, id := range areaIDs {
			v[i] = m[id]
		}
		out[t] = v
	}
	return out, nil
}
