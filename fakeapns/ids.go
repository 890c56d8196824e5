package fakeapns

import (
	"encoding/binary"
	"math/rand/v2"
)

// NewUUID returns a random (version 4) UUID in lowercase canonical form,
// as APNs writes apns-id and apns-unique-id (apns.md#E04, U09): the one
// generator of such ids in pushsim. math/rand/v2's global
// generator is ChaCha8 seeded by the runtime: unpredictable enough for ids,
// without a system call or a lock per id, which matters on the hot path.
func NewUUID() string {
	var u [16]byte
	binary.BigEndian.PutUint64(u[:8], rand.Uint64()&^0xf000|0x4000)     // version 4
	binary.BigEndian.PutUint64(u[8:], rand.Uint64()&^(0x3<<62)|0x2<<62) // variant 10
	const hexDigits = "0123456789abcdef"
	var b [36]byte
	j := 0
	for i, x := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b[j] = '-'
			j++
		}
		b[j], b[j+1] = hexDigits[x>>4], hexDigits[x&0xf]
		j += 2
	}
	return string(b[:])
}
