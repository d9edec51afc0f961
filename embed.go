// Package budgetlens holds the data the demo ships inside the binary: the
// files of testdata/ that may be redistributed (see testdata/SOURCES and
// ../shared/data/README.md) and that `budgetlens demo` imports.
package budgetlens

import "embed"

// DemoFS holds the demo's input files under their testdata/ paths.
//
//go:embed testdata/la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv
//go:embed testdata/la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv
//go:embed testdata/la/budget/FY21-22/Budget_Requests_Detail_Sec2_2122_Adopted.csv
//go:embed testdata/la/budget/FY21-22/Budget_Requests_Detail_Sec4_2122_Adopted.csv
//go:embed testdata/la/boundaries/council_districts_2012.geojson
//go:embed testdata/la/boundaries/council_districts_2025.geojson
//go:embed testdata/la/boundaries/neighborhood_councils_2025.geojson
//go:embed testdata/la/need/ces3_results_all_ca_tracts.csv
//go:embed testdata/la/need/ces4_sb535_dac_2022.csv
//go:embed testdata/la/acs/acs2019_race_poverty_gini_all_ca_tracts.csv
//go:embed testdata/la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv
//go:embed testdata/la/projects/ladot_atd_projects_funded.csv
//go:embed testdata/la/projects/ladot_atd_projects_funded.geojson
//go:embed testdata/la/projects/ladot_atd_projects_unfunded_requests.geojson
//go:embed testdata/la/services/myla311_sample_2016_100rows.csv
//go:embed testdata/la/budget/FY21-22/Performance_Measures_2122_Adopted.csv
//go:embed testdata/la/budget/FY18-19/pm_new.csv
//go:embed testdata/la/services/la_myla311_sample_2018-01-01_to_01-04.csv
//go:embed testdata/la/services/la_myla311_sample_2022-09-19_to_09-23.csv
//go:embed testdata/la/services/la_myla311_requests_by_nc_2021-10-01_to_2022-10-01_DERIVED.csv
//go:embed testdata/la/housing/la_lahd_affordable_housing_projects_2003_to_2023-10.csv
//go:embed testdata/la/parks/lacounty_parks_open_space_2016.csv
//go:embed testdata/la/parks/la_rap_facilities_and_parks_with_council_district.csv
//go:embed testdata/la/fire/lafd_first_in_districts.geojson
//go:embed testdata/la/fire/lafd_first_in_district_response_metrics_2013-01_to_2017-03.csv
var DemoFS embed.FS

// Demo file paths inside DemoFS.
const (
	DemoExpendituresSec2 = "testdata/la/budget/FY21-22/Expenditures_Sec2_for_2122_Adopted.csv"
	DemoExpendituresSec4 = "testdata/la/budget/FY21-22/Expenditures_Sec4_for_2122_Adopted.csv"
	DemoRequestsSec2     = "testdata/la/budget/FY21-22/Budget_Requests_Detail_Sec2_2122_Adopted.csv"
	DemoRequestsSec4     = "testdata/la/budget/FY21-22/Budget_Requests_Detail_Sec4_2122_Adopted.csv"
	DemoCouncilDistricts = "testdata/la/boundaries/council_districts_2025.geojson"
	// DemoCouncilDistricts2012 are the lines in force until December 2022.
	DemoCouncilDistricts2012 = "testdata/la/boundaries/council_districts_2012.geojson"
	DemoNeighborhoods        = "testdata/la/boundaries/neighborhood_councils_2025.geojson"
	DemoCES3                 = "testdata/la/need/ces3_results_all_ca_tracts.csv"
	DemoCES4                 = "testdata/la/need/ces4_sb535_dac_2022.csv"
	DemoACSRace              = "testdata/la/acs/acs2019_race_poverty_gini_all_ca_tracts.csv"
	DemoTractPoints          = "testdata/la/tracts/ca_tracts2020_points_pop_mhi_dwr_eda_2023.csv"
	DemoProjectsCSV          = "testdata/la/projects/ladot_atd_projects_funded.csv"
	DemoProjectsGeoJSON      = "testdata/la/projects/ladot_atd_projects_funded.geojson"
	DemoGrantRequests        = "testdata/la/projects/ladot_atd_projects_unfunded_requests.geojson"
	DemoMyLA311Sample        = "testdata/la/services/myla311_sample_2016_100rows.csv"
	// DemoMyLA311Days are real requests of five days (19-23 September
	// 2022, the 311 API's schema); DemoMyLA311Volume the requests of each
	// neighbourhood council from October 2021 to September 2022, derived
	// from published shares, which the demo expands them to.
	DemoMyLA311Days   = "testdata/la/services/la_myla311_sample_2022-09-19_to_09-23.csv"
	DemoMyLA311Volume = "testdata/la/services/la_myla311_requests_by_nc_2021-10-01_to_2022-10-01_DERIVED.csv"
	DemoLAHDLoans     = "testdata/la/housing/la_lahd_affordable_housing_projects_2003_to_2023-10.csv"
	DemoParks         = "testdata/la/parks/lacounty_parks_open_space_2016.csv"
	DemoFireAreas     = "testdata/la/fire/lafd_first_in_districts.geojson"
	DemoFireMetrics   = "testdata/la/fire/lafd_first_in_district_response_metrics_2013-01_to_2017-03.csv"
)
