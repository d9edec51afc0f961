package events

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/budgetlens/budgetlens/budget"
)

// Open311 GeoReport v2 (open311.org, "GET Service Requests") answers with a
// JSON array of requests:
//
//	[{"service_request_id":"638344","status":"closed","service_name":"Sidewalk and Curb Issues",
//	  "agency_responsible":"Public Works","requested_datetime":"2010-04-14T06:37:38-08:00",
//	  "updated_datetime":"2010-04-14T06:37:38-08:00","address":"8TH AVE and JUDAH ST",
//	  "lat":37.762221815, "long":-122.4651145}, ...]
//
// Some servers wrap it in an object ({"service_requests": [...]}); both are
// read. The standard has no closing time: a request whose status is closed
// takes updated_datetime as its closing time (ClosedByUpdate), as a MyLA311
// row without ClosedDate does. Times keep the clock time written, the
// offset dropped, as every other source is read.

// SchemaOpen311 names the Open311 format in summaries.
const SchemaOpen311 = "open311-georeport-v2"

type open311Request struct {
	ID          json.RawMessage `json:"service_request_id"`
	Status      string          `json:"status"`
	ServiceName string          `json:"service_name"`
	ServiceCode json.RawMessage `json:"service_code"`
	Agency      string          `json:"agency_responsible"`
	Requested   string          `json:"requested_datetime"`
	Updated     string          `json:"updated_datetime"`
	Address     string          `json:"address"`
	Lat         json.RawMessage `json:"lat"`
	Long        json.RawMessage `json:"long"`
}

// open311BlockSize is the number of requests per emitted block.
const open311BlockSize = 8192

// limitedReader refuses more than max bytes.
type limitedReader struct {
	r    io.Reader
	n    int64
	max  int64
	file string
}

func (l *limitedReader) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		return n, &budget.InputError{File: l.file, Field: "file size", Expected: fmt.Sprintf("a file of at most %d bytes (raise the limit with --limit file-bytes=SIZE)", l.max)}
	}
	return n, err
}

func readOpen311(ctx context.Context, r io.Reader, name string, opt ReadOptions, emit func(*RequestBlock) error) (*ReadSummary, error) {
	h := sha256.New()
	lim := opt.Limits.WithDefaults()
	dec := json.NewDecoder(io.TeeReader(&limitedReader{r: r, max: lim.FileBytes, file: name}, h))
	dec.UseNumber()
	fail := func(elem int, field, value, expected string) error {
		f := "JSON"
		if elem > 0 {
			f = fmt.Sprintf("request %d", elem)
			if field != "" {
				f += ": " + field
			}
		}
		return &budget.InputError{File: name, Field: f, Value: value, Expected: expected}
	}
	if err := open311Start(dec); err != nil {
		return nil, fail(0, "", "", "an Open311 GeoReport v2 answer: a JSON array of service requests, or an object whose service_requests member is one ("+err.Error()+")")
	}
	sum := &ReadSummary{File: name, Schema: SchemaOpen311}
	in := interner{}
	blk := &RequestBlock{}
	flush := func() error {
		if len(blk.Requests) == 0 && len(blk.Bad) == 0 {
			return nil
		}
		if opt.Prepare != nil {
			if err := opt.Prepare(0, blk); err != nil {
				return err
			}
		}
		sum.Rows += len(blk.Requests) + len(blk.Bad)
		sum.Bad += len(blk.Bad)
		if err := emit(blk); err != nil {
			return err
		}
		blk = &RequestBlock{Seq: blk.Seq + 1}
		return nil
	}
	for elem := 1; dec.More(); elem++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var o open311Request
		if err := dec.Decode(&o); err != nil {
			return nil, fail(elem, "", "", "a JSON object for each request ("+err.Error()+")")
		}
		var req Request
		if err := o.request(elem, in, &req); err != nil {
			if ie, ok := err.(*budget.InputError); ok {
				ie.File = name
			}
			if !opt.Lenient {
				return nil, err
			}
			blk.Bad = append(blk.Bad, RowError{Line: elem, Err: err})
		} else {
			blk.Requests = append(blk.Requests, req)
		}
		if len(blk.Requests)+len(blk.Bad) >= open311BlockSize {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	sum.SHA256 = hex.EncodeToString(h.Sum(nil))
	return sum, nil
}

// open311Start reads up to the opening bracket of the requests array.
func open311Start(dec *json.Decoder) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t == json.Delim('[') {
		return nil
	}
	if t != json.Delim('{') {
		return fmt.Errorf("it starts with %v", t)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return err
		}
		if k == "service_requests" || k == "requests" {
			if t, err := dec.Token(); err != nil || t != json.Delim('[') {
				return fmt.Errorf("its %s member is not an array", k)
			}
			return nil
		}
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return err
		}
	}
	return fmt.Errorf("the object has no service_requests array")
}

// request converts element elem.
func (o *open311Request) request(elem int, in interner, req *Request) error {
	bad := func(field, value, expected string) error {
		return &budget.InputError{Line: elem, Field: "request " + strconv.Itoa(elem) + ": " + field, Value: value, Expected: expected}
	}
	*req = Request{Line: elem}
	req.ID = jsonScalar(o.ID)
	if req.ID == "" {
		return bad("service_request_id", "", "every request needs its service_request_id")
	}
	req.Type = o.ServiceName
	if req.Type == "" {
		req.Type = jsonScalar(o.ServiceCode)
	}
	if req.Type == "" {
		return bad("service_name", "", "every request needs a service_name or service_code")
	}
	req.Type = in.get([]byte(req.Type))
	req.Agency = in.get([]byte(o.Agency))
	req.Status = in.get([]byte(o.Status))
	var err error
	if req.Created, err = w3cTime(o.Requested); err != nil || req.Created.IsZero() {
		return bad("requested_datetime", o.Requested, "a W3C date-time such as 2010-04-14T06:37:38-08:00")
	}
	if strings.EqualFold(o.Status, "closed") {
		if req.Closed, err = w3cTime(o.Updated); err != nil {
			return bad("updated_datetime", o.Updated, "a W3C date-time such as 2010-04-14T06:37:38-08:00, or none")
		}
		req.ClosedByUpdate = !req.Closed.IsZero()
	}
	lat, lon := jsonScalar(o.Lat), jsonScalar(o.Long)
	if lat != "" || lon != "" {
		if req.Lat, err = parseCoord([]byte(lat)); err != nil || req.Lat < -90 || req.Lat > 90 {
			return bad("lat", lat, "a latitude in decimal degrees (-90 to 90)")
		}
		if req.Lon, err = parseCoord([]byte(lon)); err != nil || req.Lon < -180 || req.Lon > 180 {
			return bad("long", lon, "a longitude in decimal degrees (-180 to 180)")
		}
		req.HasPoint = req.Lat != 0 || req.Lon != 0
	}
	req.Address = o.Address
	req.Synthetic = strings.HasPrefix(req.ID, SyntheticPrefix)
	return nil
}

// jsonScalar is a JSON string or number as text ("" for null or absent).
func jsonScalar(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" {
		return ""
	}
	if s[0] == '"' {
		var v string
		if json.Unmarshal(raw, &v) == nil {
			return strings.TrimSpace(v)
		}
	}
	return s
}

// w3cTime reads a W3C date-time keeping its clock time (the offset is
// dropped): "" gives the zero time.
func w3cTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, l := range []string{time.RFC3339, "2006-01-02T15:04:05Z0700", "2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.Parse(l, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a date-time")
}
