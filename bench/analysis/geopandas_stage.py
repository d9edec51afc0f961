"""The attribution and metrics stage of the budgetlens demo, in geopandas.

Same inputs as bench/analysis (main.go): the synthetic MyLA311 requests CSV,
the council districts GeoJSON, the CalEnviroScreen 3.0 table (tract points,
population, published score) and the line items with the method the LA rules
select for each. Steps, timed: read and locate the requests (sjoin), count
them per district and type; place the Los Angeles County tracts in the
districts by their points and take population sums and population-weighted
scores; attribute every item (per capita, per demand, per land area, not
attributable, with the rule's fallback); per-capita spending, five need tiers,
the top tier's shares and the concentration index with a 999-replicate
bootstrap. Writes the timings and results as JSON.

Usage: python3 geopandas_stage.py EVENTS.csv DISTRICTS.geojson CES3.csv ITEMS.csv OUT.json
"""
import json
import sys
import time

import geopandas as gpd
import numpy as np
import pandas as pd


def conc_index(y, rank_by, w):
    order = np.argsort(rank_by, kind="mergesort")
    y, rank_by, w = y[order], rank_by[order], w[order]
    f = w / w.sum()
    cum = np.cumsum(f)
    r = cum - f / 2
    # ties in rank_by share their block's mean rank
    _, idx, counts = np.unique(rank_by, return_index=True, return_counts=True)
    for i, c in zip(idx, counts):
        if c > 1:
            r[i:i + c] = np.average(r[i:i + c], weights=f[i:i + c])
    mu = np.sum(f * y)
    rbar = np.sum(f * r)
    return 2 * np.sum(f * (y - mu) * (r - rbar)) / mu


def main():
    ev_file, cd_file, ces_file, items_file, out = sys.argv[1:6]
    t = {}
    t0 = time.perf_counter()
    ev = pd.read_csv(ev_file, usecols=["RequestType", "Latitude", "Longitude"])
    ev = ev.dropna(subset=["Latitude", "Longitude"])
    pts = gpd.GeoDataFrame(ev[["RequestType"]], geometry=gpd.points_from_xy(ev.Longitude, ev.Latitude), crs="EPSG:4326")
    cd = gpd.read_file(cd_file)[["District", "geometry"]].to_crs("EPSG:4326")
    cd["District"] = cd["District"].astype(str)
    j = gpd.sjoin(pts, cd, how="inner", predicate="within")
    demand = j.groupby(["District", "RequestType"]).size().unstack(fill_value=0)
    t["events"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    ces = pd.read_csv(ces_file, encoding="latin-1")
    ces.columns = [" ".join(str(c).split()) for c in ces.columns]
    ces = ces[ces["California County"].str.strip().str.lower() == "los angeles"]
    tr = gpd.GeoDataFrame(ces[["Census Tract", "Total Population", "CES 3.0 Score"]],
                          geometry=gpd.points_from_xy(ces.Longitude, ces.Latitude), crs="EPSG:4326")
    tj = gpd.sjoin(tr, cd, how="inner", predicate="within")
    pop = tj.groupby("District")["Total Population"].sum()
    scored = tj[tj["CES 3.0 Score"].notna() & (tj["Total Population"] > 0)]
    wscore = (scored["CES 3.0 Score"] * scored["Total Population"]).groupby(scored["District"]).sum()
    need = wscore / scored.groupby("District")["Total Population"].sum()
    ids = list(cd["District"])
    pop = pop.reindex(ids).fillna(0).to_numpy()
    need = need.reindex(ids).to_numpy()
    area = cd.to_crs("EPSG:3310").area.to_numpy() / 1e6
    demand = demand.reindex(ids).fillna(0)

    items = pd.read_csv(items_file, dtype={"dept": str, "event_types": str, "attribute": str, "fallback": str}, keep_default_na=False)
    by_area = np.zeros(len(ids))
    attributed = 0.0

    def weights(method, types, attribute=""):
        if method == "per_capita":
            return pop
        if method == "per_demand":
            cols = [c for c in types.split("|") if c in demand.columns] if types else list(demand.columns)
            return demand[cols].sum(axis=1).to_numpy() if cols else np.zeros(len(ids))
        if method == "per_asset":
            # only land area ships with the demo; other attributes are missing
            return area if attribute in ("", "area_km2") else None
        return None

    for (method, types, attribute, fallback), grp in items.groupby(["method", "event_types", "attribute", "fallback"]):
        w = weights(method, types, attribute)
        if w is None or w.sum() <= 0:
            w = weights(fallback, "")
        if w is None or w.sum() <= 0:
            continue
        cents = grp["cents"].sum()
        by_area += cents / 100 * w / w.sum()
        attributed += cents / 100
    pc = by_area / pop
    order = np.argsort(need, kind="mergesort")
    tiers = np.empty(len(ids), dtype=int)
    tiers[order] = np.ceil(5 * (np.arange(len(ids)) + 1) / len(ids)).astype(int)
    top = tiers == 5
    top_spend = by_area[top].sum() / by_area.sum()
    top_pop = pop[top].sum() / pop.sum()
    c = conc_index(pc, need, pop)
    rng = np.random.default_rng(20210701)
    reps = []
    for _ in range(999):
        k = rng.integers(0, len(ids), len(ids))
        reps.append(conc_index(pc[k], need[k], pop[k]))
    lo, hi = np.quantile(reps, [0.025, 0.975])
    t["attribution_metrics"] = time.perf_counter() - t1
    t["total"] = time.perf_counter() - t0
    json.dump({"seconds": t, "by_area": dict(zip(ids, by_area.tolist())), "attributed": attributed,
               "concentration_index": c, "ci": [lo, hi], "top_tier_spend_share": top_spend, "top_tier_pop_share": top_pop},
              open(out, "w"))


if __name__ == "__main__":
    main()
