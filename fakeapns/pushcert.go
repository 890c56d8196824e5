package fakeapns

import (
	"crypto/x509"
	"encoding/asn1"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Apple's markers in a push certificate (apns.md#A12, A13): the bundle id
// as the Subject's UID, one extension per environment, and the topics
// extension. This file is their one home: the fake's CA writes them, its
// certificate auth, real-send credentials and serve's state dir read them.
var (
	oidUID             = asn1.ObjectIdentifier{0, 9, 2342, 19200300, 100, 1, 1}
	oidPushDevelopment = asn1.ObjectIdentifier{1, 2, 840, 113635, 100, 6, 3, 1}
	oidPushProduction  = asn1.ObjectIdentifier{1, 2, 840, 113635, 100, 6, 3, 2}
	oidPushTopics      = asn1.ObjectIdentifier{1, 2, 840, 113635, 100, 6, 3, 6}
)

// asn1Null is the DER of ASN.1 NULL, the value of the environment markers.
var asn1Null = []byte{0x05, 0x00}

// PushCertificate is what Apple's markers in a push certificate say.
type PushCertificate struct {
	// BundleID is the Subject's UID: the app, and the default topic.
	BundleID string
	// Topics are the topics the certificate may push to: those of the
	// topics extension, or BundleID alone when it has none (apns.md#A12).
	Topics []string
	// Environments are those the certificate is marked for; both for a
	// "Sandbox & Production" certificate (apns.md#A13).
	Environments []Environment
}

// ParsePushCertificate reads Apple's markers from cert; the error names
// the first one missing or malformed. Whatever it could read is returned
// even with an error, so that a caller that only wants
// the topics of a user's real certificate can ignore what is missing.
func ParsePushCertificate(cert *x509.Certificate) (PushCertificate, error) {
	var pc PushCertificate
	var errs []error
	for _, n := range cert.Subject.Names {
		if s, ok := n.Value.(string); ok && n.Type.Equal(oidUID) && pc.BundleID == "" {
			pc.BundleID = s
		}
	}
	for _, e := range cert.Extensions {
		switch {
		case e.Id.Equal(oidPushDevelopment):
			pc.Environments = append(pc.Environments, Development)
		case e.Id.Equal(oidPushProduction):
			pc.Environments = append(pc.Environments, Production)
		case e.Id.Equal(oidPushTopics):
			topics, err := parseTopics(e.Value)
			if err != nil {
				errs = append(errs, err)
			}
			pc.Topics = topics
		}
	}
	if pc.BundleID == "" {
		errs = append(errs, errors.New("no UID (bundle id) in the subject"))
	}
	if len(pc.Environments) == 0 {
		errs = append(errs, errors.New("no APNs environment extension"))
	}
	if len(pc.Topics) == 0 && pc.BundleID != "" {
		pc.Topics = []string{pc.BundleID}
	}
	if len(errs) > 0 {
		return pc, errs[0] // one line, the first problem, for the server's log
	}
	return pc, nil
}

// marshalTopics writes the topics extension in Apple's form: a SEQUENCE
// alternating each topic (UTF8String) with a SEQUENCE of its kinds, as
// OpenSSL shows real certificates and as pushy's test certificates encode
// it ("app", "voip", "complication").
func marshalTopics(topics []string) ([]byte, error) {
	var items []asn1.RawValue
	for _, t := range topics {
		topic, err := asn1.MarshalWithParams(t, "utf8")
		if err != nil {
			return nil, fmt.Errorf("topic %q: %w", t, err)
		}
		kind, err := asn1.Marshal([]string{topicKind(t)})
		if err != nil {
			return nil, fmt.Errorf("topic %q: %w", t, err)
		}
		items = append(items, asn1.RawValue{FullBytes: topic}, asn1.RawValue{FullBytes: kind})
	}
	return asn1.Marshal(items)
}

// topicKind is the kind Apple lists after a topic, from its suffix.
func topicKind(topic string) string {
	for _, k := range []string{"voip", "complication"} {
		if strings.HasSuffix(topic, "."+k) {
			return k
		}
	}
	return "app"
}

// parseTopics reads the topics extension: Apple's form, or a plain
// SEQUENCE OF UTF8String as certificates of earlier pushsim versions
// carry; an extra OCTET STRING wrapping is tolerated. Kinds are skipped.
func parseTopics(der []byte) ([]string, error) {
	var wrapped []byte
	if rest, err := asn1.Unmarshal(der, &wrapped); err == nil && len(rest) == 0 {
		der = wrapped
	}
	var items []asn1.RawValue
	if rest, err := asn1.Unmarshal(der, &items); err != nil || len(rest) > 0 {
		return nil, errors.New("malformed topic extension")
	}
	var topics []string
	for _, it := range items {
		if it.Class != asn1.ClassUniversal || it.IsCompound {
			continue // a SEQUENCE of kinds
		}
		var s string
		if _, err := asn1.Unmarshal(it.FullBytes, &s); err != nil {
			return nil, errors.New("malformed topic extension")
		}
		if s != "" && !slices.Contains(topics, s) {
			topics = append(topics, s)
		}
	}
	return topics, nil
}
