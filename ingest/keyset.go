package ingest

import "encoding/binary"

// keyCounts counts the occurrences of 16-byte key ids, for numbering the
// repeats of a streamed file's keys as they come. The ids are SHA-256
// prefixes, so their first 8 bytes are already a uniform hash: an open-
// addressing table of 4-byte indexes into the list of distinct ids (load
// at most one half) touches 4 bytes of a compact table for a new id, where
// a Go map of a million [16]byte keys spent a third of a streamed read in
// its probes (cache and TLB misses over 40 MB).
type keyCounts struct {
	slots []uint32 // 0: empty; else 1 + index into ids
	ids   []keyCount
	mask  uint64
}

type keyCount struct {
	id [16]byte
	n  int32
}

// add counts one occurrence of id and returns how many came before it.
func (k *keyCounts) add(id [16]byte) int32 {
	if 2*(len(k.ids)+1) > len(k.slots) {
		k.resize(2 * (len(k.ids) + 1))
	}
	h := binary.LittleEndian.Uint64(id[:8])
	for i := h & k.mask; ; i = (i + 1) & k.mask {
		s := k.slots[i]
		if s == 0 {
			k.ids = append(k.ids, keyCount{id: id, n: 1})
			k.slots[i] = uint32(len(k.ids))
			return 0
		}
		if e := &k.ids[s-1]; e.id == id {
			e.n++
			return e.n - 1
		}
	}
}

// reserve makes room for n distinct ids without growing again.
func (k *keyCounts) reserve(n int) {
	if 2*n > len(k.slots) {
		k.resize(2 * n)
	}
	if n > cap(k.ids) {
		ids := make([]keyCount, len(k.ids), n)
		copy(ids, k.ids)
		k.ids = ids
	}
}

// resize rebuilds the table with at least min slots (a power of two).
func (k *keyCounts) resize(min int) {
	size := 1 << 12
	for size < min {
		size <<= 1
	}
	k.slots = make([]uint32, size)
	k.mask = uint64(size - 1)
	for j := range k.ids {
		h := binary.LittleEndian.Uint64(k.ids[j].id[:8])
		i := h & k.mask
		for k.slots[i] != 0 {
			i = (i + 1) & k.mask
		}
		k.slots[i] = uint32(j + 1)
	}
}
