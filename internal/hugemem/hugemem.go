// Package hugemem makes large buffers of plain values (no pointers) that
// the kernel may map in huge pages.
//
// On Linux a process's memory is mapped 4 KiB at a time, each page on its
// first write. A buffer of hundreds of megabytes, as an import of millions
// of requests fills, takes tens of thousands of such faults, and on a
// virtual machine each costs several microseconds (bench/RESULTS.md,
// 2026-12-05 14:00-). Make asks the kernel (madvise MADV_HUGEPAGE) to map
// a large buffer's interior in 2 MiB pages instead: one fault where there
// were 512, and fewer misses of the processor's address cache. The kernel
// does so only where transparent huge pages are "always" or "madvise"
// (the usual default); elsewhere, and on other systems, Make is make. The
// advice is taken back when the buffer is collected.
package hugemem

import (
	"fmt"
	"reflect"
	"unsafe"
)

// minBytes is the size from which a buffer is advised: smaller ones hold
// at most one huge page.
const minBytes = 4 << 20

// Make returns a zeroed slice of n values of T, a type without pointers
// (Make panics otherwise: the buffer is allocated as plain words, which
// the collector does not scan).
func Make[T any](n int) []T {
	t := reflect.TypeFor[T]()
	if hasPointers(t) {
		panic(fmt.Sprintf("hugemem: %s holds pointers", t))
	}
	size := int(t.Size())
	if size == 0 || n == 0 {
		return make([]T, n)
	}
	bytes := n * size
	if bytes < minBytes {
		return make([]T, n)
	}
	if t.Align() > 8 {
		panic(fmt.Sprintf("hugemem: %s is aligned to %d bytes", t, t.Align()))
	}
	words := make([]uint64, (bytes+7)/8)
	p := unsafe.Pointer(unsafe.SliceData(words))
	advise(&words[0], p, uintptr(len(words))*8)
	return unsafe.Slice((*T)(p), n)
}

// hasPointers reports whether values of t hold pointers.
func hasPointers(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return false
	case reflect.Array:
		return t.Len() > 0 && hasPointers(t.Elem())
	case reflect.Struct:
		for i := 0; i < t.NumField(); i++ {
			if hasPointers(t.Field(i).Type) {
				return true
			}
		}
		return false
	}
	return true
}
