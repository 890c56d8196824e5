package fakeapns

import "net/http"

// Reason is an APNs error reason string, as sent in the JSON body of an
// error response ({"reason": "..."}) and in GOAWAY debug data (apns.md#T11).
//
// The values equal apns2's untyped Reason* constants, so a Reason compares
// directly with apns2.Response.Reason after a string conversion.
type Reason string

// The reasons of apns.md section 4 (rows E10–E57), each with the row it
// comes from.
const (
	ReasonBadCollapseID               Reason = "BadCollapseId"               // apns.md#E10
	ReasonBadDeviceToken              Reason = "BadDeviceToken"              // apns.md#E11
	ReasonBadExpirationDate           Reason = "BadExpirationDate"           // apns.md#E12
	ReasonBadMessageID                Reason = "BadMessageId"                // apns.md#E13
	ReasonBadPriority                 Reason = "BadPriority"                 // apns.md#E14
	ReasonBadTopic                    Reason = "BadTopic"                    // apns.md#E15
	ReasonDeviceTokenNotForTopic      Reason = "DeviceTokenNotForTopic"      // apns.md#E16
	ReasonDuplicateHeaders            Reason = "DuplicateHeaders"            // apns.md#E17
	ReasonIdleTimeout                 Reason = "IdleTimeout"                 // apns.md#E18
	ReasonInvalidPushType             Reason = "InvalidPushType"             // apns.md#E19
	ReasonMissingDeviceToken          Reason = "MissingDeviceToken"          // apns.md#E20
	ReasonMissingTopic                Reason = "MissingTopic"                // apns.md#E21
	ReasonPayloadEmpty                Reason = "PayloadEmpty"                // apns.md#E22
	ReasonTopicDisallowed             Reason = "TopicDisallowed"             // apns.md#E23
	ReasonBadCertificate              Reason = "BadCertificate"              // apns.md#E30
	ReasonBadCertificateEnvironment   Reason = "BadCertificateEnvironment"   // apns.md#E31
	ReasonExpiredProviderToken        Reason = "ExpiredProviderToken"        // apns.md#E32
	ReasonForbidden                   Reason = "Forbidden"                   // apns.md#E33
	ReasonInvalidProviderToken        Reason = "InvalidProviderToken"        // apns.md#E34
	ReasonMissingProviderToken        Reason = "MissingProviderToken"        // apns.md#E35
	ReasonUnrelatedKeyIDInToken       Reason = "UnrelatedKeyIdInToken"       // apns.md#E36
	ReasonBadEnvironmentKeyIDInToken  Reason = "BadEnvironmentKeyIdInToken"  // apns.md#E37
	ReasonBadEnvironmentKeyInToken    Reason = "BadEnvironmentKeyInToken"    // apns.md#E38, U11
	ReasonBadPath                     Reason = "BadPath"                     // apns.md#E40
	ReasonMethodNotAllowed            Reason = "MethodNotAllowed"            // apns.md#E41
	ReasonExpiredToken                Reason = "ExpiredToken"                // apns.md#E50
	ReasonUnregistered                Reason = "Unregistered"                // apns.md#E51
	ReasonPayloadTooLarge             Reason = "PayloadTooLarge"             // apns.md#E52
	ReasonTooManyProviderTokenUpdates Reason = "TooManyProviderTokenUpdates" // apns.md#E53
	ReasonTooManyRequests             Reason = "TooManyRequests"             // apns.md#E54
	ReasonInternalServerError         Reason = "InternalServerError"         // apns.md#E55
	ReasonServiceUnavailable          Reason = "ServiceUnavailable"          // apns.md#E56
	ReasonShutdown                    Reason = "Shutdown"                    // apns.md#E57
)

// reasonStatus maps every reason to its HTTP status: the one place where
// apns.md section 4's status column lives.
var reasonStatus = map[Reason]int{
	ReasonBadCollapseID:               http.StatusBadRequest,
	ReasonBadDeviceToken:              http.StatusBadRequest,
	ReasonBadExpirationDate:           http.StatusBadRequest,
	ReasonBadMessageID:                http.StatusBadRequest,
	ReasonBadPriority:                 http.StatusBadRequest,
	ReasonBadTopic:                    http.StatusBadRequest,
	ReasonDeviceTokenNotForTopic:      http.StatusBadRequest,
	ReasonDuplicateHeaders:            http.StatusBadRequest,
	ReasonIdleTimeout:                 http.StatusBadRequest,
	ReasonInvalidPushType:             http.StatusBadRequest,
	ReasonMissingDeviceToken:          http.StatusBadRequest,
	ReasonMissingTopic:                http.StatusBadRequest,
	ReasonPayloadEmpty:                http.StatusBadRequest,
	ReasonTopicDisallowed:             http.StatusBadRequest,
	ReasonBadCertificate:              http.StatusForbidden,
	ReasonBadCertificateEnvironment:   http.StatusForbidden,
	ReasonExpiredProviderToken:        http.StatusForbidden,
	ReasonForbidden:                   http.StatusForbidden,
	ReasonInvalidProviderToken:        http.StatusForbidden,
	ReasonMissingProviderToken:        http.StatusForbidden,
	ReasonUnrelatedKeyIDInToken:       http.StatusForbidden,
	ReasonBadEnvironmentKeyIDInToken:  http.StatusForbidden,
	ReasonBadEnvironmentKeyInToken:    http.StatusForbidden,
	ReasonBadPath:                     http.StatusNotFound,
	ReasonMethodNotAllowed:            http.StatusMethodNotAllowed,
	ReasonExpiredToken:                http.StatusGone,
	ReasonUnregistered:                http.StatusGone,
	ReasonPayloadTooLarge:             http.StatusRequestEntityTooLarge,
	ReasonTooManyProviderTokenUpdates: http.StatusTooManyRequests,
	ReasonTooManyRequests:             http.StatusTooManyRequests,
	ReasonInternalServerError:         http.StatusInternalServerError,
	ReasonServiceUnavailable:          http.StatusServiceUnavailable,
	ReasonShutdown:                    http.StatusServiceUnavailable,
}

// Status is the HTTP status APNs sends with r, or 0 for a string that is
// not one of Apple's reasons.
func (r Reason) Status() int { return reasonStatus[r] }

// Known reports whether r is one of the reasons of apns.md section 4.
func (r Reason) Known() bool { _, ok := reasonStatus[r]; return ok }

// Reasons lists every known reason; the order is unspecified.
func Reasons() []Reason {
	out := make([]Reason, 0, len(reasonStatus))
	for r := range reasonStatus {
		out = append(out, r)
	}
	return out
}
