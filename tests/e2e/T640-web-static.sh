#!/usr/bin/env bash
# T640: leakdex-web's pages (web/static) keep to the rules that make them
# safe with hostile mail: no HTML parsed from strings (innerHTML, outerHTML,
# insertAdjacentHTML, document.write, srcdoc), no code from strings (eval,
# new Function, a string to setTimeout), no javascript: URL, no inline script
# or style in the shell, and no external resource: no http:// or https://
# anywhere but the SVG namespace, a name that is never fetched. Planted
# copies show that each rule is caught.
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
