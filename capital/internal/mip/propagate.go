package mip

// propagate tightens the 0-1 bounds lo/up (in place) by exact row
// reasoning until nothing changes: with minAct and maxAct a row's least and
// greatest activity over the current bounds, a free variable whose value 1
// (or 0) would push minAct above Hi or maxAct below Lo is fixed to the other
// value. Rows x_i - x_j <= 0 thus carry "requires" implications and
// budget rows drop projects that no longer fit. It returns false when some
// row cannot be met at all (the bounds are then meaningless). Integer
// arithmetic only: MaxRowMass keeps every activity within int64.
//
// Only rows that can have changed are examined: all rows when seed is nil,
// else the rows of the seed variables, then the rows of every variable
// propagation fixes, until the queue is empty. Fixed variables also pass
// through the dominance implications (dominance.go).
func (s *solver) propagate(lo, up []int8, seed []int) bool {
	q := s.queue[:0]
	vars := s.varQueue[:0]
	if seed == nil {
		for r := range s.p.Rows {
			q = append(q, r)
			s.queued[r] = true
		}
	} else {
		for _, j := range seed {
			q = s.enqueueRows(q, j)
			vars = append(vars, j)
		}
	}
	ok := true
	for h, hv := 0, 0; ok && (h < len(q) || hv < len(vars)); {
		if hv < len(vars) {
			var fixed []int
			fixed, ok = s.implications(vars[hv], lo, up, s.fixedBuf[:0])
			hv++
			for _, j := range fixed {
				q = s.enqueueRows(q, j)
				vars = append(vars, j)
			}
			s.fixedBuf = fixed[:0]
			continue
		}
		r := q[h]
		h++
		s.queued[r] = false
		var fixed []int
		if ok, fixed = s.propagateRow(r, lo, up, s.fixedBuf[:0]); ok {
			for _, j := range fixed {
				q = s.enqueueRows(q, j)
				vars = append(vars, j)
			}
			s.fixedBuf = fixed[:0]
		}
	}
	for _, r := range q {
		s.queued[r] = false // rows left when a contradiction stopped the loop
	}
	s.queue, s.varQueue = q[:0], vars[:0]
	return ok
}

func (s *solver) enqueueRows(q []int, j int) []int {
	for t := s.colStart[j]; t < s.colStart[j+1]; t++ {
		if r := s.colRow[t]; !s.queued[r] {
			s.queued[r] = true
			q = append(q, r)
		}
	}
	return q
}

func (s *solver) propagateRow(r int, lo, up []int8, fixed []int) (bool, []int) {
	row := &s.p.Rows[r]
	var minAct, maxAct int64
	for k, j := range row.Vars {
		c := row.Coefs[k]
		switch {
		case lo[j] == 1:
			minAct += c
			maxAct += c
		case up[j] == 0:
		case c > 0:
			maxAct += c
		default:
			minAct += c
		}
	}
	if row.Hi != NoUpper && minAct > row.Hi || row.Lo != NoLower && maxAct < row.Lo {
		return false, fixed
	}
	for k, j := range row.Vars {
		if lo[j] == up[j] {
			continue
		}
		c := row.Coefs[k]
		// A free x counts in minAct at its cheaper value and in maxAct at
		// its dearer one. With c > 0, x=1 raises minAct by c and x=0 lowers
		// maxAct by c; with c < 0, x=1 lowers maxAct by |c| and x=0 raises
		// minAct by |c|.
		var oneBad, zeroBad bool
		if c > 0 {
			oneBad = row.Hi != NoUpper && minAct+c > row.Hi
			zeroBad = row.Lo != NoLower && maxAct-c < row.Lo
		} else {
			oneBad = row.Lo != NoLower && maxAct+c < row.Lo
			zeroBad = row.Hi != NoUpper && minAct-c > row.Hi
		}
		switch {
		case oneBad && zeroBad:
			return false, fixed
		case oneBad:
			up[j] = 0
			if c > 0 {
				maxAct -= c
			} else {
				minAct -= c
			}
			fixed = append(fixed, j)
		case zeroBad:
			lo[j] = 1
			if c > 0 {
				minAct += c
			} else {
				maxAct += c
			}
			fixed = append(fixed, j)
		}
	}
	return true, fixed
}
