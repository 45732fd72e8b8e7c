#!/usr/bin/env bash
# T640: leakdex-web's pages (web/static) keep to the rules that make them
# safe with hostile mail: no HTML parsed from strings (innerHTML, outerHTML,
# insertAdjacentHTML, document.write, srcdoc), no code from strings (eval,
# new Function, a string to setTimeout), no javascript: URL, no inline script
# or style in the shell, and no external resource: no http:// or https://
# anywhere but the SVG namespace, a name that is never fetched; and app.js's
# French and English tables hold the same strings, every one the code asks
# for. Planted copies show that each rule is caught.
source "$(dirname "$0")/lib.sh"
STATIC=$LEAKDEX_SRC/web/static
SVG_NS='http://www.w3.org/2000/svg'

# scan DIR: every line of DIR's files that breaks a rule, as FILE:LINE:TEXT.
scan() {
    grep -rnE 'innerHTML|outerHTML|insertAdjacentHTML|document\.write|srcdoc|\beval[[:space:]]*\(|new[[:space:]]+Function|setTimeout[[:space:]]*\([[:space:]]*['\''"`]|javascript:' "$1"
    grep -rnoE 'https?://[^[:space:]"'\'')]*' "$1" | grep -vF ":$SVG_NS"
    grep -HnE '<script([^>]*)>' "$1/index.html" | grep -vE '<script src="/static/[a-z]+\.js" defer></script>'
    grep -rnE '<style|[[:space:]]style=|[[:space:]]on[a-z]+=' "$1" --include='*.html' --include='*.svg'
}

[[ -f $STATIC/index.html && -f $STATIC/app.js && -f $STATIC/app.css && -f $STATIC/favicon.svg ]] && ok ||
    bad "web/static holds index.html, app.js, app.css and favicon.svg: $(ls "$STATIC")"
expect_eq "web/static breaks no rule" "" "$(scan "$STATIC")"

# The shell the server rewrites: <html lang="en">, our stylesheet and script.
grep -qxF '<html lang="en">' "$STATIC/index.html" && ok || bad "index.html has the line <html lang=\"en\">"
grep -qxF '<link rel="stylesheet" href="/static/app.css">' "$STATIC/index.html" && ok ||
    bad "index.html links /static/app.css"
grep -qxF '<script src="/static/app.js" defer></script>' "$STATIC/index.html" && ok ||
    bad "index.html loads /static/app.js, deferred"

# Both languages have every string, and every string the code asks for.
strings() {
    python3 - "$1" <<'PY'
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
tables = dict(re.findall(r"\n    (en|fr): \{\n(.*?)\n    \},", src, re.S))
keys = {lang: re.findall(r"^      (\w+): ", body, re.M) for lang, body in tables.items()}
problems = []
if sorted(keys) != ["en", "fr"]:
    problems.append("tables found: %s" % sorted(keys))
else:
    for a, b in (("en", "fr"), ("fr", "en")):
        problems += ["%s only in %s" % (k, a) for k in keys[a] if k not in keys[b]]
    used = set(re.findall(r"\bt\('(\w+)'[,)]", src))
    used |= {k + f for k in re.findall(r"\btn\('(\w+)',", src) for f in ("_one", "_other")}
    problems += ["%s is used but in no table" % k for k in sorted(used) if k not in keys["en"]]
print("\n".join(problems))
PY
}
expect_eq "the French and English tables have the same strings, and every one used" "" "$(strings "$STATIC/app.js")"
sed -e "s/^      att_download: 'Télécharger',$//" -e "s/t('att_text')/t('att_textual')/" "$STATIC/app.js" >"$WORK/strings.js"
expect_eq "a string missing in French, and one missing in both, are caught" "att_download only in en
att_textual is used but in no table" "$(strings "$WORK/strings.js")"

# The rules themselves: each planted line is caught, by file and line.
cp -r "$STATIC" "$WORK/planted"
printf '%s\n' 'node.innerHTML = subject;' 'el.insertAdjacentHTML("beforeend", x);' 'eval(text);' \
    'setTimeout("go()", 1);' 'a.href = "javascript:void 0";' \
    '// fonts: https://fonts.example/x.css' >>"$WORK/planted/app.js"
printf '%s\n' '<script>alert(1)</script>' '<div style="x"></div>' '<img src=x onerror="y">' \
    '<script src="http://cdn.example/lib.js"></script>' >>"$WORK/planted/index.html"
found=$(scan "$WORK/planted" | sed 's|^'"$WORK"'/planted/||' | sort -u)
for want in "app.js:$(($(wc -l <"$STATIC/app.js") + 1)):node.innerHTML" \
    "app.js:$(($(wc -l <"$STATIC/app.js") + 2)):el.insertAdjacentHTML" \
    "app.js:$(($(wc -l <"$STATIC/app.js") + 3)):eval(text)" \
    "app.js:$(($(wc -l <"$STATIC/app.js") + 4)):setTimeout(\"go()\"" \
    "app.js:$(($(wc -l <"$STATIC/app.js") + 5)):a.href = \"javascript:" \
    "app.js:$(($(wc -l <"$STATIC/app.js") + 6)):https://fonts.example/x.css" \
    "index.html:$(($(wc -l <"$STATIC/index.html") + 1)):<script>alert(1)</script>" \
    "index.html:$(($(wc -l <"$STATIC/index.html") + 2)):<div style=" \
    "index.html:$(($(wc -l <"$STATIC/index.html") + 3)):<img src=x onerror=" \
    "index.html:$(($(wc -l <"$STATIC/index.html") + 4)):http://cdn.example/lib.js"; do
    grep -qF -- "$want" <<<"$found" && ok || bad "the planted '$want' is caught; found:
$found"
done
finish
