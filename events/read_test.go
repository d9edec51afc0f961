package events

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/budgetlens/budgetlens/internal/fixture"
)

func readAll(t *testing.T, path string, opt ReadOptions) ([]Request, *ReadSummary) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Request
	sum, err := ReadRequests(context.Background(), f, path, opt, func(b *RequestBlock) error {
		out = append(out, b.Requests...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out, sum
}

// TestReadEveryYear reads every real MyLA311 sample: each year's headings
// (2017-2018 portal, 2018's with Socrata region columns, 2020's lower case
// with 1/1/20 0:05 dates, and the 2022 API schema) are recognised and every
// row is read, with its type, agency, source, times and place.
func TestReadEveryYear(t *testing.T) {
	for _, c := range []struct {
		file, schema string
		rows         int
		first        string
		typ, agency  string
	}{
		{"la_myla311_sample_2017-12-27_to_12-31.csv", "myla311", 9999, "1-870704831", "Homeless Encampment", "BOS"},
		{"la_myla311_sample_2018-01-01_to_01-04.csv", "myla311", 10000, "1-870704814", "Bulky Items", "BOS"},
		{"la_myla311_sample_2018-12-27_to_12-31.csv", "myla311", 10000, "1-1262691971", "Graffiti Removal", "OCB"},
		{"la_myla311_sample_2020-01-01_to_01-03.csv", "myla311", 10000, "1-1523590121", "Illegal Dumping Pickup", "BOS"},
		{"la_myla311_sample_2022-09-19_to_09-23.csv", "myla311-api", 20000, "1-2500995771", "Illegal Dumping", "Sanitation Bureau"},
		{"myla311_sample_2016_100rows.csv", "myla311", 100, "1-308837464", "Graffiti Removal", "OCB"},
	} {
		reqs, sum := readAll(t, fixture.Data(t, "la/services/"+c.file), ReadOptions{})
		if sum.Schema != c.schema || len(reqs) != c.rows || sum.Rows != c.rows || reqs[0].ID != c.first || reqs[0].Type != c.typ || reqs[0].Agency != c.agency {
			t.Errorf("%s: schema %s, %d rows, first %+v", c.file, sum.Schema, len(reqs), reqs[0])
			continue
		}
		points, closed := 0, 0
		for i := range reqs {
			if reqs[i].HasPoint {
				points++
			}
			if !reqs[i].Open() {
				closed++
			}
			if reqs[i].Created.IsZero() {
				t.Fatalf("%s: request %s without a creation time", c.file, reqs[i].ID)
			}
		}
		if points < c.rows*8/10 || closed < c.rows/2 {
			t.Errorf("%s: %d with coordinates, %d closed", c.file, points, closed)
		}
	}
}

// TestReadFields checks one row of each schema field by field.
func TestReadFields(t *testing.T) {
	reqs, _ := readAll(t, fixture.Data(t, "la/services/la_myla311_sample_2020-01-01_to_01-03.csv"), ReadOptions{})
	r := reqs[0]
	want := time.Date(2020, 1, 1, 0, 5, 0, 0, time.UTC)
	if !r.Created.Equal(want) || !r.Closed.Equal(time.Date(2020, 1, 2, 8, 43, 0, 0, time.UTC)) || r.Source != "Call" || r.Status != "Closed" ||
		r.CD != "6" || r.NC != "19" || r.NCName != "LAKE BALBOA NC" || r.Address != "16815 W VANOWEN ST, 91406" || r.Lat != 34.19402846 || r.Lon != -118.4994716 {
		t.Fatalf("2020 row: %+v", r)
	}
	reqs, _ = readAll(t, fixture.Data(t, "la/services/la_myla311_sample_2022-09-19_to_09-23.csv"), ReadOptions{})
	r = reqs[0]
	if r.ID != "1-2500995771" || r.NC != "66" || r.NCName != "Panorama City" || r.Source != "Phone Call" || !r.Open() || r.Status != "" {
		t.Fatalf("2022 row: %+v", r)
	}
	if !reqs[1].Closed.Equal(time.Date(2022, 9, 20, 9, 35, 20, 0, time.UTC)) {
		t.Fatalf("2022 closing: %v", reqs[1].Closed)
	}
}

// TestOpen311 reads an Open311 GeoReport v2 answer (the example of the
// specification's shape, written here): closed requests take their update
// time as closing time, the offset is dropped, numbers and strings are
// both read, and a bad element is named by its position.
func TestOpen311(t *testing.T) {
	doc := `[{"service_request_id":638344,"status":"closed","service_name":"Sidewalk and Curb Issues","service_code":"006",
	  "agency_responsible":"Public Works","requested_datetime":"2010-04-14T06:37:38-08:00","updated_datetime":"2010-04-15T06:37:38-08:00",
	  "address":"8TH AVE and JUDAH ST","lat":37.762221815,"long":-122.4651145},
	 {"service_request_id":"638349","status":"open","service_code":"007","requested_datetime":"2010-04-19T06:37:38-08:00","lat":"37.76","long":"-122.41"}]`
	var got []Request
	sum, err := ReadRequests(context.Background(), strings.NewReader(doc), "o.json", ReadOptions{}, func(b *RequestBlock) error {
		got = append(got, b.Requests...)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Schema != SchemaOpen311 || len(got) != 2 || got[0].ID != "638344" || got[0].Type != "Sidewalk and Curb Issues" || got[0].Agency != "Public Works" ||
		!got[0].ClosedByUpdate || got[0].Closed.Sub(got[0].Created) != 24*time.Hour || got[0].Created.Hour() != 6 || !got[0].HasPoint {
		t.Fatalf("first: %+v", got[0])
	}
	if got[1].Type != "007" || !got[1].Open() || got[1].Lat != 37.76 {
		t.Fatalf("second: %+v", got[1])
	}
	wrapped := `{"service_requests":[{"service_request_id":"1","service_name":"x","requested_datetime":"2010-04-14T06:37:38Z"}]}`
	if _, err := ReadRequests(context.Background(), strings.NewReader(wrapped), "w.json", ReadOptions{}, func(*RequestBlock) error { return nil }); err != nil {
		t.Fatalf("wrapped answer: %v", err)
	}
	bad := `[{"service_request_id":"1","service_name":"x","requested_datetime":"2010-04-14T06:37:38Z"},{"service_request_id":"2","service_name":"x","requested_datetime":"yesterday"}]`
	_, err = ReadRequests(context.Background(), strings.NewReader(bad), "b.json", ReadOptions{}, func(*RequestBlock) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "request 2: requested_datetime") || !strings.Contains(err.Error(), "b.json") {
		t.Fatalf("bad element: %v", err)
	}
}

// TestMapping reads a file in no built-in schema through a mapping
// profile, and refuses a file without one, and a profile missing a field.
func TestMapping(t *testing.T) {
	csv := "Case,Opened,Category,Done,Lat,Lon,Ward\nA1,03/04/2021 10:00,Potholes,03/06/2021 10:00,41.88,-87.63,42\n"
	_, err := ReadRequests(context.Background(), strings.NewReader(csv), "c.csv", ReadOptions{}, func(*RequestBlock) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "--mapping") {
		t.Fatalf("no schema: %v", err)
	}
	sch, err := ParseMapping("m.yaml", []byte("name: chicago\ncolumns:\n  id: [Case]\n  created: [Opened]\n  type: [Category]\n  closed: [Done]\n  latitude: [Lat]\n  longitude: [Lon]\n  cd: [Ward]\ntime_layouts: [\"01/02/2006 15:04\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []Request
	if _, err := ReadRequests(context.Background(), strings.NewReader(csv), "c.csv", ReadOptions{Schema: sch}, func(b *RequestBlock) error {
		got = append(got, b.Requests...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Closed.Sub(got[0].Created) != 48*time.Hour || got[0].CD != "42" {
		t.Fatalf("mapped: %+v", got)
	}
	for _, c := range []struct{ yaml, want string }{
		{"columns:\n  id: [Case]\n  created: [Opened]\n", "columns.type"},
		{"columns:\n  id: [Case]\n  created: [Opened]\n  type: [C]\n  latitude: [Lat]\n", "longitude"},
		{"columns:\n  id: [Case]\n  created: [Opened]\n  type: [C]\n  colour: [x]\n", "colour"},
	} {
		if _, err := ParseMapping("m.yaml", []byte(c.yaml)); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.yaml, err, c.want)
		}
	}
}

// TestReadBadRows: a bad date stops the read naming file, line and column;
// with Lenient it is counted and the rest is read.
func TestReadBadRows(t *testing.T) {
	csv := "SRNumber,CreatedDate,RequestType,ClosedDate\n1,2018-01-01 10:00:00,Bulky Items,\n2,soon,Bulky Items,\n3,2018-01-01 11:00:00,Graffiti Removal,2018-01-02 11:00:00\n"
	_, err := ReadRequests(context.Background(), strings.NewReader(csv), "x.csv", ReadOptions{}, func(*RequestBlock) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "x.csv:3") || !strings.Contains(err.Error(), "CreatedDate") {
		t.Fatalf("strict: %v", err)
	}
	var got, bad int
	sum, err := ReadRequests(context.Background(), strings.NewReader(csv), "x.csv", ReadOptions{Lenient: true}, func(b *RequestBlock) error {
		got += len(b.Requests)
		bad += len(b.Bad)
		return nil
	})
	if err != nil || got != 2 || bad != 1 || sum.Bad != 1 || sum.Rows != 3 {
		t.Fatalf("lenient: %d good, %d bad, %+v, %v", got, bad, sum, err)
	}
}

// FuzzReadRequests: any bytes are read or refused with an error, never a
// panic; every request read has a number, a type and a creation time, its
// coordinates are in range, and the rows counted are the good and the bad.
func FuzzReadRequests(f *testing.F) {
	f.Add([]byte("SRNumber,CreatedDate,RequestType,Latitude,Longitude\n1,2018-01-01 10:00:00,Bulky Items,34.1,-118.2\n"))
	f.Add([]byte(`[{"service_request_id":"1","service_name":"x","requested_datetime":"2010-04-14T06:37:38Z","status":"closed","updated_datetime":"2010-04-13T06:37:38Z"}]`))
	f.Add([]byte(",requestId,srnumber,typeName,createdDate,closedDate\n0,1,1-2,Graffiti,2022-09-19T11:07:12,\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		good, bad := 0, 0
		sum, err := ReadRequests(context.Background(), strings.NewReader(string(b)), "f", ReadOptions{Lenient: true, Workers: 2}, func(rb *RequestBlock) error {
			for _, r := range rb.Requests {
				if r.ID == "" || r.Type == "" || r.Created.IsZero() || r.HasPoint && (r.Lat < -90 || r.Lat > 90 || r.Lon < -180 || r.Lon > 180) {
					t.Fatalf("request read without its fields: %+v", r)
				}
			}
			good += len(rb.Requests)
			bad += len(rb.Bad)
			return nil
		})
		if err == nil && (sum.Rows != good+bad || sum.Bad != bad) {
			t.Fatalf("summary %+v for %d good and %d bad rows", sum, good, bad)
		}
	})
}
