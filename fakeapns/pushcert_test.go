package fakeapns

import (
	"crypto/x509"
	"encoding/asn1"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPushCertificateRoundTrip: what the CA writes, ParsePushCertificate
// reads back, with the topics extension in Apple's form (each topic
// followed by a SEQUENCE of its kinds, apns.md#A12).
func TestPushCertificateRoundTrip(t *testing.T) {
	ca, err := NewCA()
	if err != nil {
		t.Fatal(err)
	}
	pair, err := ca.IssueClientCertificate(ClientCertSpec{Topic: "com.example.app",
		ExtraTopics: []string{"com.example.app.voip", "com.example.app.complication"}, Environments: []Environment{Production}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParsePushCertificate(pair.Leaf)
	if err != nil {
		t.Fatal(err)
	}
	want := PushCertificate{BundleID: "com.example.app",
		Topics:       []string{"com.example.app", "com.example.app.voip", "com.example.app.complication"},
		Environments: []Environment{Production}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	var ext []byte
	for _, e := range pair.Leaf.Extensions {
		if e.Id.Equal(oidPushTopics) {
			ext = e.Value
		}
	}
	var items []asn1.RawValue
	if _, err := asn1.Unmarshal(ext, &items); err != nil || len(items) != 6 || !items[1].IsCompound || items[0].Tag != asn1.TagUTF8String {
		t.Errorf("topics extension is not Apple's alternating topic, kinds form: %d items, %v", len(items), err)
	}
}

// TestParseTopicsForms: Apple's form, the plain list older pushsim
// certificates carry, and an extra OCTET STRING wrapping all read the
// same; garbage is an error.
func TestParseTopicsForms(t *testing.T) {
	apple, _ := marshalTopics([]string{"a.b", "a.b.voip"})
	plain, _ := asn1.Marshal([]string{"a.b", "a.b.voip"})
	wrapped, _ := asn1.Marshal(apple)
	for name, der := range map[string][]byte{"apple": apple, "plain": plain, "wrapped": wrapped} {
		got, err := parseTopics(der)
		if err != nil || !cmp.Equal(got, []string{"a.b", "a.b.voip"}) {
			t.Errorf("%s: %v, %v", name, got, err)
		}
	}
	if _, err := parseTopics([]byte{0x30, 0x05, 0x0c}); err == nil {
		t.Error("truncated extension accepted")
	}
}

// TestParsePushCertificateMissing: a certificate without Apple's markers
// says what is missing, and still returns what it has.
func TestParsePushCertificateMissing(t *testing.T) {
	pc, err := ParsePushCertificate(&x509.Certificate{})
	if err == nil || pc.BundleID != "" || len(pc.Topics) != 0 {
		t.Errorf("got %+v, %v; want an error and nothing", pc, err)
	}
}
