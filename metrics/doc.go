// Package metrics computes the distributional statistics budgetlens puts in
// front of a council: inequality (Gini, Lorenz, generalised entropy, Atkinson,
// coefficient of variation, Palma, S80/S20, Hoover, Herfindahl), benefit
// incidence (concentration index and curve with standard errors and bootstrap
// intervals, Erreygers and Wagstaff corrections), progressivity (Suits,
// Kakwani, Reynolds-Smolensky), representation (dissimilarity, representation
// ratios) and spatial clustering (global and local Moran's I).
//
// It is pure computation over plain slices: no storage, HTTP or CLI imports.
//
// Conventions shared by every function, unless its comment says otherwise:
//
//   - Weights. w may be nil (every unit weighs 1). Otherwise len(w) == len(x),
//     every w_i is finite and >= 0 and sum(w) > 0. Weights are analytic /
//     frequency weights: a unit of weight 2 counts like two copies of the unit
//     (replication invariance). f_i = w_i / sum(w) denotes the normalised weight.
//   - Missing values. NaN or ±Inf anywhere in the inputs is an error; callers
//     decide whether to drop rows (the CLI has --drop-missing).
//   - Fractional rank. Units are sorted by the ranking variable; the tie block
//     that contains unit i receives r_i = (W_before + W_block/2) / W, the
//     midpoint of the block's cumulative weight (Stata conindex, DASP, laeken,
//     rineq::rank_gwt). Tied units therefore share their mean rank and the
//     result never depends on row order.
//   - Errors are *budget.Error values with code budget.EINVALID whose message
//     names the argument, the offending position and value, and what to do.
//
// Every number is computed in float64 with compensated care only where it
// matters (sums over sorted data are plain sums; the tests show agreement with
// the peers to 1e-12 on the published vectors).
package metrics
