package inspect

import "net/http"

// Guarded serves h behind the API's own guard (Host check, bearer token,
// content type and origin), for routes mounted next to the API such as
// GET /metrics (GitHub issue 18), so that they are no easier to reach than
// the API itself.
func (a *API) Guarded(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a.guard(w, r) {
			h.ServeHTTP(w, r)
		}
	})
}
