//go:build !linux

package hugemem

import "unsafe"

func advise[T any](*T, unsafe.Pointer, uintptr) {}
