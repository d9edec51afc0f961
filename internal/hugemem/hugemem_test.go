package hugemem

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unsafe"
)

type rec struct {
	a uint64
	b uint32
	c [3]uint16
}

// TestMake: the slice has the length asked for, is zeroed and holds what
// is written to it, small or large.
func TestMake(t *testing.T) {
	for _, n := range []int{0, 1, 1000, 1 << 20} {
		s := Make[rec](n)
		if len(s) != n || cap(s) != n {
			t.Fatalf("Make(%d): len %d cap %d", n, len(s), cap(s))
		}
		for i := range s {
			if s[i] != (rec{}) {
				t.Fatalf("Make(%d)[%d] = %+v, want zero", n, i, s[i])
			}
			s[i] = rec{a: uint64(i), b: uint32(i), c: [3]uint16{1, 2, 3}}
		}
		runtime.GC()
		for i := range s {
			if s[i].a != uint64(i) || s[i].c[2] != 3 {
				t.Fatalf("Make(%d)[%d] = %+v after a collection", n, i, s[i])
			}
		}
	}
}

// TestMakeRefusesPointers: a type holding pointers would be hidden from
// the collector.
func TestMakeRefusesPointers(t *testing.T) {
	for name, f := range map[string]func(){
		"string": func() { Make[string](1 << 20) },
		"struct": func() {
			Make[struct {
				a int
				p *int
			}](1 << 20)
		},
		"slice":     func() { Make[[]byte](10) },
		"array":     func() { Make[[2]*int](10) },
		"interface": func() { Make[any](10) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Make of %s did not panic", name)
				}
			}()
			f()
		}()
	}
}

// TestMakeAdvises: on Linux the mapping holding a large buffer is marked
// for huge pages (VmFlags "hg" in /proc/self/smaps); once the buffer is
// collected the advice is taken back ("nh": MADV_NOHUGEPAGE), so that the
// kernel does not fill huge pages in memory the runtime reuses or gives
// back.
func TestMakeAdvises(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("huge pages are advised on Linux only")
	}
	if _, err := os.Stat("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil {
		t.Skip("this kernel has no transparent huge pages")
	}
	has := func(flags, f string) bool { return strings.Contains(" "+flags+" ", " "+f+" ") }
	mid := func() uintptr {
		s := Make[uint64](8 << 20 / 8) // 8 MiB: at least three whole huge pages
		mid := uintptr(unsafe.Pointer(&s[len(s)/2]))
		flags, err := vmFlags(mid)
		if err != nil {
			t.Fatal(err)
		}
		if !has(flags, "hg") {
			t.Fatalf("the mapping holding the buffer has VmFlags %q, want hg (madvise MADV_HUGEPAGE)", flags)
		}
		runtime.KeepAlive(s)
		return mid
	}()
	deadline := time.Now().Add(5 * time.Second)
	for {
		runtime.GC()
		flags, err := vmFlags(mid)
		if err != nil {
			t.Fatal(err)
		}
		if has(flags, "nh") && !has(flags, "hg") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the collected buffer's mapping has VmFlags %q, want nh and not hg", flags)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// vmFlags returns the VmFlags of the mapping holding addr.
func vmFlags(addr uintptr) (string, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		line := sc.Text()
		// a mapping's first line: "7f12...-7f34... rw-p ..."; its
		// fields' lines end their name with a colon
		if first := strings.Fields(line + " x")[0]; !strings.HasSuffix(first, ":") {
			lo, hi, _ := strings.Cut(first, "-")
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			in = err1 == nil && err2 == nil && uint64(addr) >= a && uint64(addr) < b
			continue
		}
		if in && strings.HasPrefix(line, "VmFlags:") {
			return strings.TrimSpace(strings.TrimPrefix(line, "VmFlags:")), nil
		}
	}
	return "", sc.Err()
}
