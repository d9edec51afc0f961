package hugemem

import (
	"runtime"
	"syscall"
	"unsafe"
)

const hugePage = 2 << 20

const (
	madvHugepage   = 14
	madvNoHugepage = 15
)

// span is the huge-page-aligned interior of a buffer.
type span struct{ beg, end uintptr }

// advise asks for huge pages over the interior of the buffer at p (n
// bytes), and for the advice to be taken back once the buffer is
// collected (owner is its first element): the runtime reuses the memory
// for other objects and returns pages of it to the system, and the kernel
// would otherwise go on filling whole huge pages there (khugepaged
// collapses an advised range however few of its pages are in use), so
// that memory the runtime has given back would stay resident.
func advise[T any](owner *T, p unsafe.Pointer, n uintptr) {
	s := span{(uintptr(p) + hugePage - 1) &^ (hugePage - 1), (uintptr(p) + n) &^ (hugePage - 1)}
	if s.beg >= s.end {
		return
	}
	if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, s.beg, s.end-s.beg, madvHugepage); errno != 0 {
		return // no transparent huge pages in this kernel: nothing to take back
	}
	runtime.AddCleanup(owner, func(s span) {
		syscall.Syscall(syscall.SYS_MADVISE, s.beg, s.end-s.beg, madvNoHugepage)
	}, s)
}
