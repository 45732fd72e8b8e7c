#!/usr/bin/env bash
# T620: leakdex-web's access token and TLS. With a token, every request
# without it gets the login page (401) or a JSON 401; a wrong token is
# refused; ?token= on a page sets the cookie (HttpOnly, SameSite=Strict)
# and redirects to the URL without it; the cookie then works; the login
# form's POST needs its CSRF value. Off loopback a token is made and
# printed. HTTPS with a self-signed certificate made by the openssl tool,
# its cookie Secure.
source "$(dirname "$0")/lib.sh"
index --quiet "$DATA/eml" >/dev/null 2>&1
TOKEN=0123456789abcdef-token_for.T620~x
printf '%s\n' "$TOKEN" >"$WORK/token"
web_start --db "$LEAKDEX_DB" --listen 127.0.0.1:0 --token-file "$WORK/token"
U=$WEB_URL
expect_eq "a token from a file is not printed" "leakdex-web: serving $LEAKDEX_DB at $U/" "$WEB_LINE"
status() { curl -s -o "$WORK/body" -D "$WORK/h" -w '%{http_code}' "$@"; }
header() { tr -d '\r' <"$WORK/h" | grep -i "^$1:" | head -1; }

expect_eq "API without the token: 401" 401 "$(status "$U/api/stats")"
expect_eq "... as JSON" '{"version": 1, "error": "this server asks for its access token: log in at /login, or add ?token=", "status": 401}' "$(cat "$WORK/body")"
expect_eq "page without the token: the login page, 401" "401 text/html; charset=utf-8" \
    "$(status "$U/senders") $(header content-type | cut -d' ' -f2-)"
grep -q '<form method="post" action="/login">' "$WORK/body" && ok || bad "the login page has the form"
grep -q 'Wrong token' "$WORK/body" && bad "no 'wrong token' before any try" || ok
expect_eq "the login page: the security headers too" "Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'" \
    "$(header content-security-policy)"
expect_eq "wrong ?token= on the API: 401" 401 "$(status "$U/api/stats?token=wrong$TOKEN")"
expect_eq "wrong ?token= on a page: the login page" 401 "$(status "$U/?token=${TOKEN}x")"
grep -q 'Wrong token' "$WORK/body" && ok || bad "the login page says the token was wrong"
expect_eq "a prefix of the token: 401" 401 "$(status "$U/api/stats?token=${TOKEN:0:20}")"
expect_eq "a wrong cookie: 401" 401 "$(status -b "lx_token=x$TOKEN" "$U/api/stats")"
expect_eq "the assets need no token (the login page uses them)" 200 "$(status "$U/static/index.html")"

# ?token= on the API serves; on a page it sets the cookie and redirects.
expect_eq "right ?token= on the API: 200" 200 "$(status "$U/api/stats?token=$TOKEN")"
expect_eq "right ?token= on a page: 303" 303 "$(status "$U/senders?q=budget&token=$TOKEN&sort=last")"
expect_eq "... to the URL without it" "Location: /senders?q=budget&sort=last" "$(header location)"
expect_eq "... with the cookie" "Set-Cookie: lx_token=$TOKEN; HttpOnly; SameSite=Strict; Path=/" "$(header set-cookie)"
expect_eq "the cookie works: a page" 200 "$(status -b "lx_token=$TOKEN" "$U/")"
expect_eq "the cookie works: the API" 200 "$(status -b "lx_token=$TOKEN" "$U/api/search?q=budget")"

# The login form: its CSRF value in a cookie and a field.
status -c "$WORK/jar" "$U/login" >/dev/null
csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' "$WORK/body")
expect_eq "GET /login: a CSRF value in the form and its cookie" \
    "Set-Cookie: lx_csrf=$csrf; HttpOnly; SameSite=Strict; Path=/login" "$(header set-cookie)"
[[ ${#csrf} == 32 ]] && ok || bad "the CSRF value: 32 hex digits ($csrf)"
expect_eq "POST without the CSRF field: 403" 403 \
    "$(status -b "$WORK/jar" --data-urlencode "token=$TOKEN" "$U/login")"
expect_eq "POST without the CSRF cookie: 403" 403 \
    "$(status --data-urlencode "token=$TOKEN" --data-urlencode "csrf=$csrf" "$U/login")"
expect_eq "POST with another CSRF value: 403" 403 \
    "$(status -b "$WORK/jar" --data-urlencode "token=$TOKEN" --data-urlencode "csrf=${csrf}0" "$U/login")"
grep -q "lx_token" "$WORK/h" && bad "a refused login sets no cookie" || ok
expect_eq "POST with a wrong token: the login page again" 401 \
    "$(status -b "$WORK/jar" --data-urlencode "token=nope" --data-urlencode "csrf=$csrf" "$U/login")"
expect_eq "POST with the token and the CSRF value: 303 to /" "303 Location: /" \
    "$(status -b "$WORK/jar" --data-urlencode "token=$TOKEN" --data-urlencode "csrf=$csrf" "$U/login") $(header location)"
expect_eq "... and the cookie" "Set-Cookie: lx_token=$TOKEN; HttpOnly; SameSite=Strict; Path=/" "$(header set-cookie)"
expect_eq "POST elsewhere: 405" 405 "$(status -b "lx_token=$TOKEN" -d x=1 "$U/api/search")"

# Without a token (loopback), /login is no page.
web_start --db "$LEAKDEX_DB" --listen 127.0.0.1:0
expect_eq "no token asked: /login is 404" 404 "$(status "$WEB_URL/login")"
expect_eq "no token asked: the API answers" 200 "$(status "$WEB_URL/api/stats")"

# Off loopback a token is made, printed once, in the URL too.
web_start --db "$LEAKDEX_DB" --listen 0.0.0.0:0
made=$(sed -n 's/^leakdex-web: access token: \([0-9a-f]\{64\}\)$/\1/p' "$WORK/web.$((${#WEB_PIDS[@]} - 1)).out")
[[ -n $made ]] && ok || bad "off loopback: a token of 64 hex digits is printed"
expect_eq "... and in the URL" "leakdex-web: serving $LEAKDEX_DB at http://0.0.0.0:${WEB_URL##*:}/?token=$made" "$WEB_LINE"
L=http://127.0.0.1:${WEB_URL##*:}
expect_eq "off loopback: without the token, 401" 401 "$(status "$L/api/stats")"
expect_eq "off loopback: with it, 200" 200 "$(status "$L/api/stats?token=$made")"
expect_eq "off loopback: any Host (the token guards)" 200 "$(status -H 'Host: news.example' "$L/api/stats?token=$made")"

# A bad token file is refused at start.
printf 'short\n' >"$WORK/short"
expect_status "a token of 5 characters" 2 "$LEAKDEX_WEB" --db "$LEAKDEX_DB" --listen 127.0.0.1:0 --token-file "$WORK/short"
expect_status "--tls-cert without --tls-key" 2 "$LEAKDEX_WEB" --db "$LEAKDEX_DB" --tls-cert "$WORK/short"
expect_status "a database that is not there" 2 "$LEAKDEX_WEB" --db "$WORK/none" --listen 127.0.0.1:0

# HTTPS with a self-signed certificate.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$WORK/key.pem" -out "$WORK/cert.pem" -days 2 \
    -subj /CN=localhost -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" >/dev/null 2>&1 ||
    { bad "openssl cannot make a certificate"; finish; }
web_start --db "$LEAKDEX_DB" --listen 127.0.0.1:0 --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" \
    --token-file "$WORK/token"
[[ $WEB_URL == https://127.0.0.1:* ]] && ok || bad "TLS: the URL is https ($WEB_URL)"
expect_eq "TLS: the API with the token" 200 "$(status --cacert "$WORK/cert.pem" "$WEB_URL/api/stats?token=$TOKEN")"
expect_eq "TLS: the same bytes as over HTTP" "$(search --format json stats)" "$(cat "$WORK/body")"
expect_eq "TLS: the cookie is Secure" \
    "Set-Cookie: lx_token=$TOKEN; HttpOnly; SameSite=Strict; Path=/; Secure" \
    "$(status --cacert "$WORK/cert.pem" "$WEB_URL/?token=$TOKEN" >/dev/null; header set-cookie)"
expect_eq "TLS: plain HTTP is not served" 000 \
    "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://${WEB_URL#https://}/api/stats")"
finish
