# Times the R peers on the data written by bench/metrics (main.go):
# boot (1,000 bootstrap replicates of a weighted concentration index),
# spdep moran.mc (999 permutations), spdep localmoran_perm (999), laeken gini.
# Usage: Rscript peer.R DIR   (DIR holds data.csv and weights.gal)
# Prints one line per peer: name<TAB>elapsed s<TAB>CPU s (user+system)<TAB>statistic
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
suppressMessages({ library(boot); library(spdep) })
d <- read.csv(file.path(dir, "data.csv"))
nb <- read.gal(file.path(dir, "weights.gal"), override.id = TRUE)
lw <- nb2listw(nb, style = "W")
timeit <- function(name, expr) {
  t <- system.time(v <- force(expr))
  cat(name, "\t", t[["elapsed"]], "\t", t[["user.self"]] + t[["sys.self"]], "\t", v[[1]], "\n", sep = "")
}
# Weighted concentration index with midpoint fractional rank (no ties in
# continuous data), the same statistic as metrics.ConcentrationIndex.
ci <- function(dd, i) {
  y <- dd$y[i]; r <- dd$rank[i]; w <- dd$w[i]
  o <- order(r); y <- y[o]; w <- w[o]
  W <- sum(w); fr <- (cumsum(w) - w / 2) / W
  mu <- sum(w * y) / W
  2 * sum(w * y * (fr - 0.5)) / (W * mu)
}
set.seed(1)
timeit("boot_ci_1000", { b <- boot(d, ci, R = 1000); quantile(b$t, 0.975) })
set.seed(1)
timeit("moran_mc_999", moran.mc(d$y, lw, nsim = 999)$statistic)
set.seed(1)
timeit("localmoran_perm_999", sum(localmoran_perm(d$y, lw, nsim = 999)[, 1]))
if (requireNamespace("laeken", quietly = TRUE)) {
  timeit("laeken_gini", laeken::gini(d$y, weights = d$w)$value / 100)
}
