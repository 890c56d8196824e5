# curl with a provider token made by openssl (ES256: the DER signature is
# turned into the raw r||s JWT wants). Needs curl, openssl, xxd and jq.
INFO=${PUSHSIM_JSON:-$HOME/.config/pushsim/pushsim.json}
KEY=$(jq -r .key_file "$INFO"); KID=$(jq -r .key_id "$INFO"); TEAM=$(jq -r .team_id "$INFO")
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
HP=$(printf '{"alg":"ES256","kid":"%s"}' "$KID" | b64url).$(printf '{"iss":"%s","iat":%d}' "$TEAM" "$(date +%s)" | b64url)
SIG=$(printf %s "$HP" | openssl dgst -sha256 -sign "$KEY" | openssl asn1parse -inform DER |
  awk -F: '/INTEGER/ { v = $NF; while (length(v) < 64) v = "0" v; printf "%s", substr(v, length(v) - 63) }' |
  xxd -r -p | b64url)
curl -sS --http2 --cacert "$(jq -r .ca_file "$INFO")" \
  -H "authorization: bearer $HP.$SIG" -H 'apns-topic: com.pushsim.demo' -H 'apns-push-type: alert' \
  -d '{"aps":{"alert":"Signed with openssl"}}' -w '%{http_code}\n' \
  "$(jq -r .apns_url "$INFO")/3/device/$(jq -r '.devices[] | select(.name == "ios17") | .apps[0].token' "$INFO")"
