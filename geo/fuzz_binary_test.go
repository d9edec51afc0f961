package geo

import (
	"os"
	"testing"
)

func seedGeoPackage(f *testing.F) {
	f.Helper()
	// The start of the stored GeoPackage (schema and first pages) seeds the corpus.
	b, err := os.ReadFile("testdata/nc2025.gpkg")
	if err == nil {
		f.Add(b[:min(len(b), 65536)])
	}
}

func FuzzSHP(f *testing.F) {
	f.Add([]byte{0, 0, 0x27, 0x0a})
	f.Fuzz(func(t *testing.T, b []byte) {
		readSHP(b, &vertexBudget{lim: DefaultLimits})
	})
}

func FuzzDBF(f *testing.F) {
	f.Add([]byte{3, 0, 0, 0, 1, 0, 0, 0, 65, 0, 11, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		readDBF(b, -1)
	})
}

func FuzzSQLite(f *testing.F) {
	seedGeoPackage(f)
	f.Add([]byte("SQLite format 3\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if db, err := openSQLite(b); err == nil {
			db.tables()
		}
	})
}

func FuzzPRJ(f *testing.F) {
	f.Add(`PROJCS["NAD_1983_StatePlane_California_V_FIPS_0405_Feet",GEOGCS["GCS_North_American_1983",DATUM["D_North_American_1983",SPHEROID["GRS_1980",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",6561666.667],PARAMETER["Standard_Parallel_1",35.4666666666667],PARAMETER["Standard_Parallel_2",34.0333333333333],UNIT["US survey foot",0.304800609601219]]`)
	f.Fuzz(func(t *testing.T, s string) {
		prjTransform(s)
	})
}
