package metrics

import "math/rand/v2"

// fastRand draws bounded integers from a PCG stream, two 32-bit draws per
// 64-bit output, using Lemire's multiply-and-shift with rejection (exactly
// uniform). It avoids the interface call of rand.Rand in the permutation and
// bootstrap loops, which dominate their cost.
type fastRand struct {
	src  *rand.PCG
	buf  uint64
	half bool
}

func newFastRand(seed uint64, chunk int) *fastRand {
	return &fastRand{src: rand.NewPCG(seed, uint64(chunk)+1)}
}

func (r *fastRand) uint32() uint32 {
	if r.half {
		r.half = false
		return uint32(r.buf >> 32)
	}
	r.buf = r.src.Uint64()
	r.half = true
	return uint32(r.buf)
}

// intN returns a uniform integer in [0, n) for 0 < n < 2^32.
func (r *fastRand) intN(n int) int {
	m := uint64(r.uint32()) * uint64(n)
	if uint32(m) < uint32(n) {
		thresh := uint32(-n) % uint32(n)
		for uint32(m) < thresh {
			m = uint64(r.uint32()) * uint64(n)
		}
	}
	return int(m >> 32)
}
