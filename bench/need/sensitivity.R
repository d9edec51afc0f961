# Peer for need.BenchmarkSensitivity: the same Monte Carlo in base R
# (vectorised where R allows): 2,500 areas x 20 indicators in 4 domains,
# 1,000 runs; each run draws Dirichlet weights inside each domain and across
# the domains (concentration 10), a normalisation (percentile, z-score,
# min-max) and a left-out indicator (or none), scores the areas (weighted
# mean of domain means) and ranks them. Then per area the 5/50/95% rank
# quantiles and the share of runs in the top quintile.
# Usage: Rscript sensitivity.R  (prints the elapsed seconds)
set.seed(9)
n <- 2500; K <- 20; runs <- 1000; conc <- 10
latent <- rnorm(n)
raw <- sapply(1:K, function(k) latent + rnorm(n))
dom <- (0:(K - 1)) %% 4 + 1
norms <- list(
  apply(raw, 2, function(x) rank(x, ties.method = "average") / length(x) * 100),
  scale(raw),
  apply(raw, 2, function(x) (x - min(x)) / (max(x) - min(x)))
)
rdirichlet <- function(alpha) { g <- rgamma(length(alpha), alpha); g / sum(g) }
t0 <- proc.time()
ranks <- matrix(0L, n, runs)
for (r in 1:runs) {
  iw <- numeric(K)
  for (d in 1:4) { m <- which(dom == d); iw[m] <- rdirichlet(rep(conc, length(m))) }
  dw <- rdirichlet(rep(conc, 4))
  lo <- sample.int(K + 1, 1) - 1
  if (lo > 0) iw[lo] <- 0
  X <- norms[[sample.int(3, 1)]]
  score <- numeric(n)
  for (d in 1:4) {
    m <- which(dom == d)
    score <- score + dw[d] * (X[, m, drop = FALSE] %*% iw[m]) / sum(iw[m])
  }
  ranks[, r] <- rank(-score, ties.method = "min")
}
q <- t(apply(ranks, 1, quantile, probs = c(0.05, 0.5, 0.95), type = 1))
ptop <- rowMeans(ranks <= n / 5)
el <- proc.time() - t0
cat(sprintf("R: %d runs x %d areas x %d indicators: %.3f s cpu %.3f s\n", runs, n, K,
            el[["elapsed"]], el[["user.self"]] + el[["sys.self"]]))
