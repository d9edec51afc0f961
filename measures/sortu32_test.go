package measures

import (
	"math/rand"
	"slices"
	"testing"
)

// TestSortU32 against slices.Sort: lengths on both sides of radixFrom,
// values spread over all four bytes, over the low bytes only (a byte every
// value shares is skipped), with many repeats, and already sorted or
// reversed.
func TestSortU32(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	gens := map[string]func() uint32{
		"any":      rng.Uint32,
		"low":      func() uint32 { return rng.Uint32() & 0xffff },
		"middle":   func() uint32 { return 0x12000000 | rng.Uint32()&0x00ff00ff },
		"repeats":  func() uint32 { return uint32(rng.Intn(4)) << 20 },
		"constant": func() uint32 { return 77 },
	}
	for name, gen := range gens {
		for _, n := range []int{0, 1, 2, radixFrom - 1, radixFrom, radixFrom + 1, 1000, 100_000} {
			for _, order := range []string{"random", "sorted", "reversed"} {
				s := make([]uint32, n)
				for i := range s {
					s[i] = gen()
				}
				switch order {
				case "sorted":
					slices.Sort(s)
				case "reversed":
					slices.Sort(s)
					slices.Reverse(s)
				}
				want := slices.Clone(s)
				slices.Sort(want)
				tmp := make([]uint32, n+3)
				sortU32(s, tmp)
				if !slices.Equal(s, want) {
					t.Fatalf("%s, %d values, %s: not sorted as slices.Sort sorts", name, n, order)
				}
			}
		}
	}
}

func BenchmarkSortU32(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	for _, n := range []int{64, 192, 512, 4096} {
		src := make([]uint32, n)
		for i := range src {
			src[i] = uint32(rng.ExpFloat64() * 86400 * 3)
		}
		s, tmp := make([]uint32, n), make([]uint32, n)
		b.Run("radix/"+itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				copy(s, src)
				sortU32(s, tmp)
			}
		})
		b.Run("pdq/"+itoa(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				copy(s, src)
				slices.Sort(s)
			}
		})
	}
}

func itoa(n int) string {
	return string(rune('0'+n/1000%10)) + string(rune('0'+n/100%10)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}
