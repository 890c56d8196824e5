package fakeapns

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// strictJWT applies the rules golang-jwt leaves open to a provider token's
// header and claims, and returns its iat. golang-jwt decodes both JSON
// objects into maps and structs, where a repeated member silently keeps
// the last value and iat may be any JSON number (or a numeric string);
// these checks look at the raw JSON instead. Each failure is
// InvalidProviderToken (apns.md#E34):
//
//   - a header or claim name that appears twice (RFC 7515 section 5.2 and
//     RFC 7519 section 4 let a parser reject or keep the last; the fake
//     rejects: apns.md#U32, unconfirmed);
//   - a "crit" header: APNs defines no JWS extension, so any critical one
//     is one it does not understand, which RFC 7515 section 4.1.11 says
//     must be rejected (apns.md#U31);
//   - an iat that is not a JSON integer: a string or a fraction
//     (apns.md#A02 says Unix seconds; RFC 7519's NumericDate would allow a
//     fraction, so this is apns.md#U29, unconfirmed);
//   - an iat outside the years 1 to 9999, which golang-jwt (through a
//     float) and time.Unix (past about ±292 billion years, and for int64
//     seconds near the limit) turn into a wrapped-around time, and so
//     ExpiredProviderToken (apns.md#U30).
func strictJWT(raw string) (int64, error) {
	head, rest, ok := strings.Cut(raw, ".")
	if !ok {
		return 0, errors.New("not a JWS: no '.'")
	}
	claims, _, ok := strings.Cut(rest, ".")
	if !ok {
		return 0, errors.New("not a JWS: one '.'")
	}
	h, err := jsonMembers(head, "header")
	if err != nil {
		return 0, err
	}
	if _, ok := h["crit"]; ok {
		return 0, errors.New("header: crit names an extension APNs does not define (RFC 7515 section 4.1.11)")
	}
	c, err := jsonMembers(claims, "claims")
	if err != nil {
		return 0, err
	}
	iat, ok := c["iat"]
	if !ok {
		return 0, errors.New("claims: no iat (apns.md#A02)")
	}
	return parseIAT(iat)
}

// The iat range: RFC 3339's years 0001 to 9999, where time.Unix cannot wrap.
const (
	minIAT = -62135596800 // 0001-01-01T00:00:00Z
	maxIAT = 253402300799 // 9999-12-31T23:59:59Z
)

// parseIAT accepts a JSON integer of Unix seconds in [minIAT, maxIAT].
func parseIAT(v json.RawMessage) (int64, error) {
	s := string(v)
	digits := strings.TrimPrefix(s, "-")
	if digits == "" || strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, fmt.Errorf("claims: iat %.40s is not a JSON integer of seconds (apns.md#A02)", s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < minIAT || n > maxIAT {
		return 0, fmt.Errorf("claims: iat %.40s is out of range (apns.md#A02)", s)
	}
	return n, nil
}

// jsonMembers decodes one base64url JWS segment holding a JSON object and
// returns its members, refusing a name that appears twice.
func jsonMembers(seg, what string) (map[string]json.RawMessage, error) {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("%s: not a JSON object", what)
	}
	members := make(map[string]json.RawMessage, 4)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		name, _ := tok.(string) // in an object, dec.Token yields names as strings
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s: %q: %w", what, name, err)
		}
		if _, dup := members[name]; dup {
			return nil, fmt.Errorf("%s: %q appears twice", what, name)
		}
		members[name] = v
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	if dec.More() || dec.InputOffset() != int64(len(bytes.TrimRight(b, " \t\r\n"))) {
		return nil, fmt.Errorf("%s: data after the object", what)
	}
	return members, nil
}
