package hostile

import (
	"bufio"
	"fmt"
	"io"
)

// RequestsOptions shape a service-request file (the MyLA311 columns
// budgetlens reads).
type RequestsOptions struct {
	Rows int
	// StrayQuoteAt puts a bare quote inside the RequestType of that data
	// row (1-based; 0: none): `Bulky "Items`.
	StrayQuoteAt int
	// OpenQuoteAt opens a quoted field at the start of that row's
	// RequestType and never closes it.
	OpenQuoteAt int
	// SameID gives every row the same request number.
	SameID bool
	// NULAt puts a NUL byte in that row's RequestType.
	NULAt int
}

// ServiceRequests writes a labelled synthetic MyLA311-style file (every
// RequestSource is SYNTHETIC) with the attack o asks for: about 150 bytes
// a row.
func ServiceRequests(w io.Writer, o RequestsOptions) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintln(bw, "SRNumber,CreatedDate,UpdatedDate,ClosedDate,RequestType,Status,RequestSource,Latitude,Longitude,CD,NCName")
	types := []string{"Bulky Items", "Graffiti Removal", "Illegal Dumping Pickup", "Metal/Household Appliances", "Electronic Waste"}
	for i := 1; i <= o.Rows; i++ {
		id := fmt.Sprintf("SYN-%09d", i)
		if o.SameID {
			id = "SYN-000000001"
		}
		typ := types[i%len(types)]
		switch i {
		case o.StrayQuoteAt:
			typ = `Bulky "Items`
		case o.OpenQuoteAt:
			typ = `"Bulky Items`
		case o.NULAt:
			typ = "Bulky\x00Items"
		}
		day, hour := 1+i%28, i%24
		lat := 34.0 + float64(i%1000)/10000
		lon := -118.4 + float64(i%997)/10000
		fmt.Fprintf(bw, "%s,2016-03-%02d %02d:00:00,2016-03-%02d %02d:30:00,2016-03-%02d %02d:30:00,%s,Closed,SYNTHETIC,%.4f,%.4f,%d,SYNTHETIC NC\n",
			id, day, hour, day, hour, day, hour, typ, lat, lon, 1+i%15)
	}
	return bw.Flush()
}

// LAExpenditures writes a synthetic budget in the layout of LA's
// expenditures export (Sec2), rows line items of one dollar each, labelled
// SYNTHETIC in the department name: a large import for the tests that
// interrupt one.
func LAExpenditures(w io.Writer, rows int) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	fmt.Fprintln(bw, "Dept Code,Dept Name,Org Level 5 Code,Org Level 5 Name,Prog Code,Prog Name,Fund Code,Fund Name,Source Fund Code,Source Fund Name,Account Code,Account Name,2021-22 Adopted")
	for i := 0; i < rows; i++ {
		fmt.Fprintf(bw, "%02d,SYNTHETIC dept %d,%02dL5,Org,%04d,Program %d,%03d,Fund,%03d,Source,%06d,Account %d,1.00\n",
			i%90, i%90, i%90, i%9000, i%9000, i%500, i%500, i, i)
	}
	return bw.Flush()
}
