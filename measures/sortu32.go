package measures

import "slices"

// radixFrom is the length from which sortU32 sorts by bytes: below it a
// comparison sort is as fast.
const radixFrom = 160

// sortU32 sorts s in ascending order; tmp holds at least len(s) values
// (its contents are overwritten). A cell's closing times are sorted this
// way: by their bytes, least significant first, skipping a byte that
// every value shares (most durations fit in three), which takes about a
// third of a comparison sort's time on the hundreds of values of a
// large cell (bench/RESULTS.md, 2026-12-05 17:00-).
func sortU32(s, tmp []uint32) {
	if len(s) < radixFrom {
		slices.Sort(s)
		return
	}
	var count [4][256]int
	for _, v := range s {
		count[0][v&0xff]++
		count[1][v>>8&0xff]++
		count[2][v>>16&0xff]++
		count[3][v>>24]++
	}
	src, dst := s, tmp[:len(s)]
	for d := range count {
		shift := 8 * d
		c := &count[d]
		if c[s[0]>>shift&0xff] == len(s) {
			continue // every value has this byte
		}
		sum := 0
		for i, n := range c {
			c[i] = sum
			sum += n
		}
		for _, v := range src {
			b := v >> shift & 0xff
			dst[c[b]] = v
			c[b]++
		}
		src, dst = dst, src
	}
	if &src[0] != &s[0] {
		copy(s, src)
	}
}
