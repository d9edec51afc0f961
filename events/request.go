package events

import (
	"strings"
	"time"
)

// Request is one service request as budgetlens stores it: the fields every
// source format is mapped to (ReadRequests). Times are clock times as the
// source writes them, read as UTC: MyLA311 writes local Los Angeles time
// without a zone, and only differences and calendar months are used.
type Request struct {
	// ID is the request number (MyLA311 SRNumber, Open311
	// service_request_id): the key an import is idempotent by.
	ID     string
	Type   string // request type as written ("Bulky Items")
	Agency string // agency or owner as written ("BOS", "Sanitation Bureau"); "" when absent
	Source string // how it was made ("Mobile App", "Call"); "" when absent
	Status string // status as written ("Closed", "Cancelled"); "" when the format has none
	// Created is when the request was made; Closed when it was closed
	// (ClosedDate, or UpdatedDate for a closed request without one: then
	// ClosedByUpdate), zero while open. Closed is kept as written even when
	// it is before Created (MyLA311 writes some closings as a date at
	// midnight); see ClosedEarly.
	Created, Closed time.Time
	ClosedByUpdate  bool
	Lon, Lat        float64
	HasPoint        bool   // coordinates present and not (0, 0)
	Address         string // as written; the place repeat requests are matched at
	// CD, NC and NCName are the area codes the source writes (council
	// district, neighbourhood council id and name); "" when absent.
	CD, NC, NCName string
	// Synthetic marks a generated request (RequestSource SYNTHETIC or an
	// SRNumber starting SYN-).
	Synthetic bool
	Line      int // line (CSV) or element number (JSON) in its file
}

// Open reports whether the request has no closing time.
func (r *Request) Open() bool { return r.Closed.IsZero() }

// ClosedEarly reports whether the closing time written is before the
// creation time. Measures count such a request as closed at its creation
// (0 days).
func (r *Request) ClosedEarly() bool { return !r.Closed.IsZero() && r.Closed.Before(r.Created) }

// Field is one field of a Request that a schema maps a column to.
type Field int

// The fields a schema may map; FieldID, FieldCreated and FieldType are
// required.
const (
	FieldID Field = iota
	FieldCreated
	FieldUpdated
	FieldClosed
	FieldType
	FieldAgency
	FieldSource
	FieldStatus
	FieldLatitude
	FieldLongitude
	FieldAddress
	FieldCD
	FieldNC
	FieldNCName
	nFields
)

// fieldNames are the names of the fields in mapping profiles.
var fieldNames = [nFields]string{"id", "created", "updated", "closed", "type", "agency", "source", "status", "latitude", "longitude", "address", "cd", "nc", "nc_name"}

// String is the field's name in a mapping profile.
func (f Field) String() string { return fieldNames[f] }

// Schema says which columns of a file hold which fields of a Request.
// Columns are matched by heading, case and white space ignored.
type Schema struct {
	// Name of the format ("myla311", "myla311-api", "mapping NAME").
	Name string
	// Columns lists, per field, the headings that may hold it (the first
	// present is used).
	Columns [nFields][]string
	// Layouts are extra time layouts (Go reference-time syntax) tried
	// before the built-in ones.
	Layouts []string
	// ClosedStatuses are the status values meaning "closed"; a request with
	// one of them and no closing time takes its update time as closing
	// time. Default: Closed.
	ClosedStatuses []string
}

// The built-in schemas.
var (
	// SchemaMyLA311 is the MyLA311 portal export (data.lacity.org "MyLA311
	// Service Request Data", every year's headings: 2016's quoted ones with
	// an unnamed first column, 2017-2019's, and 2020's in lower case).
	SchemaMyLA311 = &Schema{Name: "myla311", Columns: [nFields][]string{
		FieldID: {"SRNumber"}, FieldCreated: {"CreatedDate"}, FieldUpdated: {"UpdatedDate"}, FieldClosed: {"ClosedDate"},
		FieldType: {"RequestType"}, FieldAgency: {"Owner"}, FieldSource: {"RequestSource"}, FieldStatus: {"Status"},
		FieldLatitude: {"Latitude"}, FieldLongitude: {"Longitude"}, FieldAddress: {"Address"},
		FieldCD: {"CD"}, FieldNC: {"NC"}, FieldNCName: {"NCName"}}}
	// SchemaMyLA311API is the schema of LA's 311 request API as pulled by
	// Hack for LA (2021-2022): requestId, srnumber, councilId, councilName,
	// typeName, agencyName, sourceName, createdDate, closedDate, address,
	// latitude, longitude. It has no status and no update time.
	SchemaMyLA311API = &Schema{Name: "myla311-api", Columns: [nFields][]string{
		FieldID: {"srnumber", "requestId"}, FieldCreated: {"createdDate"}, FieldClosed: {"closedDate"},
		FieldType: {"typeName"}, FieldAgency: {"agencyName"}, FieldSource: {"sourceName"},
		FieldLatitude: {"latitude"}, FieldLongitude: {"longitude"}, FieldAddress: {"address"},
		FieldNC: {"councilId"}, FieldNCName: {"councilName"}}}
)

// headingsOf says whether names (normalised headings) hold every heading
// given.
func hasAll(names map[string]bool, hs ...string) bool {
	for _, h := range hs {
		if !names[strings.ToLower(h)] {
			return false
		}
	}
	return true
}

// DetectSchema picks the built-in schema of a file from its headings: the
// 311 API schema when it has typeName and createdDate, the portal export
// when it has SRNumber, RequestType and CreatedDate (any case). nil when
// neither fits: such a file needs a column-mapping profile.
func DetectSchema(headings []string) *Schema {
	names := map[string]bool{}
	for _, h := range headings {
		names[strings.ToLower(strings.Join(strings.Fields(strings.TrimPrefix(h, "\ufeff")), " "))] = true
	}
	switch {
	case hasAll(names, "typeName", "createdDate") && (names["srnumber"] || names["requestid"]):
		return SchemaMyLA311API
	case hasAll(names, "SRNumber", "RequestType", "CreatedDate"):
		return SchemaMyLA311
	}
	return nil
}
