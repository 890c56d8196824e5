package fakeapns

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sideshow/apns2"
)

// TestReasonsMatchAPNS2 pins every reason string to sideshow/apns2's
// constant of the same name, so a typo on either side shows here, and so
// does a reason added here without checking apns2. Three reasons have no
// apns2 v0.25.0 constant: UnrelatedKeyIdInToken (apns.md#E36), and
// BadEnvironmentKeyIdInToken and BadEnvironmentKeyInToken (apns.md#E37,
// E38), which are newer than apns2.
func TestReasonsMatchAPNS2(t *testing.T) {
	pairs := map[Reason]string{
		ReasonBadCollapseID:               apns2.ReasonBadCollapseID,
		ReasonBadDeviceToken:              apns2.ReasonBadDeviceToken,
		ReasonBadExpirationDate:           apns2.ReasonBadExpirationDate,
		ReasonBadMessageID:                apns2.ReasonBadMessageID,
		ReasonBadPriority:                 apns2.ReasonBadPriority,
		ReasonBadTopic:                    apns2.ReasonBadTopic,
		ReasonDeviceTokenNotForTopic:      apns2.ReasonDeviceTokenNotForTopic,
		ReasonDuplicateHeaders:            apns2.ReasonDuplicateHeaders,
		ReasonIdleTimeout:                 apns2.ReasonIdleTimeout,
		ReasonInvalidPushType:             apns2.ReasonInvalidPushType,
		ReasonMissingDeviceToken:          apns2.ReasonMissingDeviceToken,
		ReasonMissingTopic:                apns2.ReasonMissingTopic,
		ReasonPayloadEmpty:                apns2.ReasonPayloadEmpty,
		ReasonTopicDisallowed:             apns2.ReasonTopicDisallowed,
		ReasonBadCertificate:              apns2.ReasonBadCertificate,
		ReasonBadCertificateEnvironment:   apns2.ReasonBadCertificateEnvironment,
		ReasonExpiredProviderToken:        apns2.ReasonExpiredProviderToken,
		ReasonForbidden:                   apns2.ReasonForbidden,
		ReasonInvalidProviderToken:        apns2.ReasonInvalidProviderToken,
		ReasonMissingProviderToken:        apns2.ReasonMissingProviderToken,
		ReasonBadPath:                     apns2.ReasonBadPath,
		ReasonMethodNotAllowed:            apns2.ReasonMethodNotAllowed,
		ReasonExpiredToken:                apns2.ReasonExpiredToken,
		ReasonUnregistered:                apns2.ReasonUnregistered,
		ReasonPayloadTooLarge:             apns2.ReasonPayloadTooLarge,
		ReasonTooManyProviderTokenUpdates: apns2.ReasonTooManyProviderTokenUpdates,
		ReasonTooManyRequests:             apns2.ReasonTooManyRequests,
		ReasonInternalServerError:         apns2.ReasonInternalServerError,
		ReasonServiceUnavailable:          apns2.ReasonServiceUnavailable,
		ReasonShutdown:                    apns2.ReasonShutdown,
	}
	notInAPNS2 := map[Reason]bool{
		ReasonUnrelatedKeyIDInToken:      true,
		ReasonBadEnvironmentKeyIDInToken: true,
		ReasonBadEnvironmentKeyInToken:   true,
	}
	for r, want := range pairs {
		if string(r) != want {
			t.Errorf("%s: apns2 spells it %q", r, want)
		}
	}
	var missing []Reason
	for _, r := range Reasons() {
		if _, ok := pairs[r]; !ok && !notInAPNS2[r] {
			missing = append(missing, r)
		}
	}
	if diff := cmp.Diff([]Reason(nil), missing); diff != "" {
		t.Errorf("reasons neither pinned to apns2 nor listed as absent from it (-want +got)\n%s", diff)
	}
	if got, want := len(pairs)+len(notInAPNS2), len(Reasons()); got != want {
		t.Errorf("%d reasons accounted for, the package has %d", got, want)
	}
}
