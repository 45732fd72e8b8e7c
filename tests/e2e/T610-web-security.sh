#!/usr/bin/env bash
# T610: leakdex-web against hostile requests and hostile mail: the security
# headers on every kind of response; on loopback, a Host other than the
# server's refused (DNS rebinding); paths that try to leave the routes
# (../, %2e%2e, %2f in an id) get 400 or 404 and never a file; a hostile
# attachment name becomes a safe RFC 6266 download name; pages in the
# reader's language.
source "$(dirname "$0")/lib.sh"
# A message whose attachment is named ../../x"><svg onload=alert(1)>, a
# right-to-left override, txt.exe.
mkdir -p "$WORK/mail"
printf '%s\r\n' 'From: Eve <eve@example.org>' 'To: a@example.org' 'Subject: hostile name' \
    'Date: Mon, 1 May 2017 10:00:00 +0000' 'Message-ID: <hostile-name@example.org>' \
    'MIME-Version: 1.0' 'Content-Type: multipart/mixed; boundary="b"' '' '--b' \
    'Content-Type: text/plain' '' 'see attached' '--b' 'Content-Type: application/octet-stream' \
    "Content-Disposition: attachment; filename*=utf-8''..%2F..%2Fx%22%3E%3Csvg%20onload%3Dalert(1)%3E%E2%80%AEtxt.exe" \
    'Content-Transfer-Encoding: base64' '' "$(printf 'hostile bytes\n' | base64)" '--b--' \
    >"$WORK/mail/hostile.eml"
index --quiet "$DATA/eml" "$WORK/mail" >/dev/null 2>&1
web_start --db "$LEAKDEX_DB" --listen 127.0.0.1:0
PORT=${WEB_URL##*:}
hid=$(search --format ndjson 'id:hostile-name@example.org' | python3 -c 'import json,sys; print(json.loads(sys.stdin.readline())["id"])')

CSP="default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
# headers STATUS CURL-ARGS...: the response has status STATUS and the
# security headers, exactly.
headers() {
    local want=$1
    shift
    curl -s --path-as-is -D "$WORK/h" -o /dev/null "$@"
    local got
    got=$(tr -d '\r' <"$WORK/h" | python3 -c '
import sys
lines = sys.stdin.read().split("\n")
status = lines[0].split(" ")[1]
h = {}
for l in lines[1:]:
    if ": " in l:
        k, v = l.split(": ", 1)
        h.setdefault(k.lower(), v)
print(status, h.get("content-security-policy") == sys.argv[1], h.get("x-content-type-options"),
      h.get("referrer-policy"), h.get("x-frame-options"))' "$CSP")
    expect_eq "headers of ${*: -1}" "$want True nosniff no-referrer DENY" "$got"
}
headers 200 "$WEB_URL/"
headers 200 "$WEB_URL/message/$hid"
headers 200 "$WEB_URL/static/index.html"
headers 200 "$WEB_URL/api/search?q=budget"
headers 200 -I "$WEB_URL/api/search?q=budget"
headers 200 "$WEB_URL/api/attachment/$hid/1"
headers 404 "$WEB_URL/nothing"
headers 404 "$WEB_URL/api/message/abcdef123456"
headers 400 "$WEB_URL/api/search?q=%28"
headers 405 -X PUT "$WEB_URL/"
headers 414 "$WEB_URL/?q=$(head -c 70000 /dev/zero | tr '\0' a)"
headers 421 -H "Host: evil.example" "$WEB_URL/"
expect_eq "an API answer is not cached" "Cache-Control: no-store" \
    "$(curl -s -D - -o /dev/null "$WEB_URL/api/stats" | tr -d '\r' | grep -i '^cache-control')"

# DNS rebinding: the server's own names pass, any other is refused.
status() { curl -s --path-as-is -o "$WORK/body" -w '%{http_code}' "$@"; }
expect_eq "Host evil.example: 421" 421 "$(status -H "Host: evil.example" "$WEB_URL/api/stats")"
expect_eq "Host evil.example:$PORT: 421" 421 "$(status -H "Host: evil.example:$PORT" "$WEB_URL/api/stats")"
expect_eq "Host 127.0.0.1 on another port: 421" 421 "$(status -H "Host: 127.0.0.1:1" "$WEB_URL/api/stats")"
expect_eq "the 421 says why, as JSON" \
    "{\"version\": 1, \"error\": \"this server answers only to its own address (127.0.0.1:$PORT): the Host of this request names another (a DNS rebinding attack?)\", \"status\": 421}" \
    "$(cat "$WORK/body")"
expect_eq "no Host at all: 421" 421 "$(status -H "Host:" "$WEB_URL/api/stats")"
expect_eq "Host 127.0.0.1:$PORT: 200" 200 "$(status -H "Host: 127.0.0.1:$PORT" "$WEB_URL/api/stats")"
expect_eq "Host localhost:$PORT: 200" 200 "$(status -H "Host: localhost:$PORT" "$WEB_URL/api/stats")"
expect_eq "Host LOCALHOST:$PORT: 200" 200 "$(status -H "Host: LOCALHOST:$PORT" "$WEB_URL/api/stats")"
expect_eq "Host [::1]:$PORT: 200" 200 "$(status -H "Host: [::1]:$PORT" "$WEB_URL/api/stats")"

# Leaving the routes: never a file's content.
for path in "/static/../../../../etc/passwd" "/static/..%2f..%2f..%2fetc%2fpasswd" \
    "/static/%2e%2e/%2e%2e/etc/passwd" "/static/%2e%2e%2fweb%2fhttp.c" "/static/" "/static" \
    "/static/index.html/" "/../../etc/passwd" "/%2e%2e/%2e%2e/etc/passwd" \
    "/api/original/..%2f..%2fetc%2fpasswd" "/api/original/../../etc/passwd" \
    "/api/attachment/..%2f..%2fetc%2fpasswd/1" "/api/message/%2fetc%2fpasswd" \
    "/api/message/$hid%2f..%2f..%2fetc%2fpasswd" "/message/..%2f..%2fetc%2fpasswd/x" \
    "/api/thread/..%2f..%2fetc%2fpasswd"; do
    code=$(status "$WEB_URL$path")
    if [[ $code == 400 || $code == 404 ]] && ! grep -q 'root:' "$WORK/body"; then ok; else
        bad "$path: status $code, $(head -c 200 "$WORK/body")"
    fi
done
expect_eq "an id with a slash is not an id" \
    "{\"version\": 1, \"error\": \"'../../etc/passwd' is not a message id (6 to 64 hex digits)\", \"status\": 400}" \
    "$(curl -s "$WEB_URL/api/original/..%2f..%2fetc%2fpasswd")"

# The hostile name: a download, never shown, under a name that neither
# leaves its folder nor hides its extension.
curl -s -D "$WORK/h" -o "$WORK/got" "$WEB_URL/api/attachment/$hid/1"
expect_eq "hostile name: the disposition" \
    "Content-Disposition: attachment; filename=\"_._.._x_><svg onload=alert(1)>_txt.exe\"; filename*=UTF-8''_._.._x%22%3E%3Csvg%20onload%3Dalert%281%29%3E_txt.exe" \
    "$(tr -d '\r' <"$WORK/h" | grep -i '^content-disposition')"
expect_eq "hostile name: octet-stream" "Content-Type: application/octet-stream" \
    "$(tr -d '\r' <"$WORK/h" | grep -i '^content-type')"
expect_eq "hostile name: its bytes" "hostile bytes" "$(cat "$WORK/got")"
expect_eq "hostile name: the SHA-256 the JSON gives" \
    "$(search --format json show "$hid" | python3 -c 'import json,sys; print(json.load(sys.stdin)["attachments"][0]["sha256"])')" \
    "$(sha256sum <"$WORK/got" | cut -d' ' -f1)"

# Pages: index.html in the reader's language.
lang() { curl -s "$@" | grep -o '<html[^>]*>'; }
expect_eq "no preference: en" '<html lang="en">' "$(lang "$WEB_URL/")"
expect_eq "Accept-Language fr-FR: fr" '<html lang="fr">' "$(lang -H 'Accept-Language: fr-FR,fr;q=0.9,en;q=0.8' "$WEB_URL/")"
expect_eq "Accept-Language by weight: fr" '<html lang="fr">' "$(lang -H 'Accept-Language: de, en;q=0.5, fr;q=0.7' "$WEB_URL/senders")"
expect_eq "Accept-Language frisian is not French" '<html lang="en">' "$(lang -H 'Accept-Language: fry' "$WEB_URL/")"
expect_eq "the lang cookie over Accept-Language" '<html lang="en">' \
    "$(lang -H 'Accept-Language: fr' -b 'lang=en' "$WEB_URL/archive")"
expect_eq "?lang= over the cookie" '<html lang="fr">' "$(lang -b 'lang=en' "$WEB_URL/thread/$hid?lang=fr")"
expect_eq "a lang not offered is ignored" '<html lang="en">' "$(lang "$WEB_URL/?lang=%22%3E%3Cscript%3E")"
web_stop
finish
