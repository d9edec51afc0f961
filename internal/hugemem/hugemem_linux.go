package hugemem

import (
	"syscall"
	"unsafe"
)

const hugePage = 2 << 20

const madvHugepage = 14

func advise(p unsafe.Pointer, n uintptr) {
	beg := (uintptr(p) + hugePage - 1) &^ (hugePage - 1)
	end := (uintptr(p) + n) &^ (hugePage - 1)
	if beg >= end {
		return
	}
	syscall.Syscall(syscall.SYS_MADVISE, beg, end-beg, madvHugepage)
}
