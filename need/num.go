package need

import (
	"math"

	"github.com/budgetlens/budgetlens/budget"
)

// Num is a float64 that encodes NaN (missing) as JSON null; see budget.Num.
type Num = budget.Num

// NaN is the missing value.
var NaN = Num(math.NaN())
