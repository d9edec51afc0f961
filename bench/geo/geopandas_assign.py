"""geopandas peer for bench/geo/run.sh: CSV id,lon,lat in, CSV id,area_id out
(the first area in layer order when several contain a point, empty when none)."""
import sys
import geopandas as gpd
import pandas as pd

layer_file, id_field, points_csv, out_csv = sys.argv[1:5]
polys = gpd.read_file(layer_file)[[id_field, "geometry"]].rename(columns={id_field: "area_id"})
polys["pos"] = range(len(polys))
pts = pd.read_csv(points_csv)
gpts = gpd.GeoDataFrame(pts[["id"]], geometry=gpd.points_from_xy(pts["lon"], pts["lat"]), crs=polys.crs)
j = gpd.sjoin(gpts, polys, how="left", predicate="within")
j = j.sort_values(["id", "pos"]).drop_duplicates("id", keep="first")
j[["id", "area_id"]].to_csv(out_csv, index=False)
