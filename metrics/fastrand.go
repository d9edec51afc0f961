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
	b16  uint64 // unread 16-bit draws, low bits first
	n16  int    // how many remain in b16
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

func (r *fastRand) uint16() uint32 {
	if r.n16 == 0 {
		r.b16, r.n16 = r.src.Uint64(), 4
	}
	v := uint32(r.b16 & 0xffff)
	r.b16 >>= 16
	r.n16--
	return v
}

// intN returns a uniform integer in [0, n) for 0 < n < 2^32. Bounds below
// 2^16 use 16-bit draws (four per PCG output), larger ones 32-bit draws; both
// reject the few values that would bias the result.
func (r *fastRand) intN(n int) int {
	if n < 1<<16 {
		m := r.uint16() * uint32(n)
		if uint16(m) < uint16(n) {
			thresh := uint16(-n) % uint16(n)
			for uint16(m) < thresh {
				m = r.uint16() * uint32(n)
			}
		}
		return int(m >> 16)
	}
	m := uint64(r.uint32()) * uint64(n)
	if uint32(m) < uint32(n) {
		thresh := uint32(-n) % uint32(n)
		for uint32(m) < thresh {
			m = uint64(r.uint32()) * uint64(n)
		}
	}
	return int(m >> 32)
}
