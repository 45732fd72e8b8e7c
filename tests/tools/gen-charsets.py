#!/usr/bin/env python3
"""gen-charsets.py - writes the charset torture set data/charsets/ and its
expectations tests/e2e/charsets.json.

Every message starts from a Unicode "truth": the subject, display name and
body text the sender saw. The generator encodes that truth into bytes with
Python's codecs (and a few hand-written transfer encodings), so every
expected value in charsets.json comes from construction, never from running
a mail tool over the files.

    python3 tests/tools/gen-charsets.py          # removes and rewrites data/charsets/, rewrites charsets.json
    python3 tests/tools/gen-charsets.py --check  # writes nothing; verifies the files (see check())

Standard library only, no randomness, no current time.
"""

import argparse
import base64
import binascii
import datetime
import email
import email.policy
import email.utils
import html
import html.parser
import json
import re
import shutil
import sys
import textwrap
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT_DIR = ROOT / "data" / "charsets"
JSON_PATH = ROOT / "tests" / "e2e" / "charsets.json"
DOMAIN = "charset.example"
TO = "redaction@" + DOMAIN

# Words and addresses planted in the sample archive (data/README.md): they
# must not appear in this set in any spelling, case or accentuation. The
# last ones are words of queries the sample's tests expect to match nothing.
BANNED = [
    "zeppelin", "budget", "previsionnel", "reunion", "orchidee", "tournesol",
    "lyon", "deplacement", "scriptonly", "styleonly", "alice", "martin",
    "lefevre", "berenice", "presse@presse-exemple.fr", "telephonique",
    "delegation", "from the campaign office", "quoted twice",
    "nosuchword",
]
BANNED_TOKENS = ["search", "show", "budg"]  # T400: 'search show' must match nothing; 'budg*'

# Local UTC offsets by language (fixed, no daylight saving). Local times are
# 09:00-17:59, so the UTC day is always the local day.
ZONES = {
    "fr": "+0100", "pl": "+0100", "ru": "+0300", "uk": "+0200", "he": "+0200",
    "ja": "+0900", "th": "+0700", "el": "+0200", "tr": "+0300", "ar": "+0200",
    "lv": "+0200", "vi": "+0700", "es": "+0100", "cs": "+0100", "mt": "+0100",
    "et": "+0200", "bg": "+0200", "is": "+0000", "lt": "+0200", "cy": "+0000",
    "ro": "+0200", "zh": "+0800", "ko": "+0900", "no": "+0100", "pt": "+0000",
    "hu": "+0100", "de": "+0100", "en": "+0000", "zh-tw": "+0800",
}

MINI_PDF = (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
            b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
            b"trailer <</Root 1 0 R>>\n%%EOF\n")


# --------------------------------------------------------------------------
# Text helpers

def nfc(s):
    return unicodedata.normalize("NFC", s)


def _latin_or_greek(ch):
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return False
    return name.startswith("LATIN") or name.startswith("GREEK")


def strip_accents(s):
    """Removes combining diacritics (U+0300-U+036F) from Latin and Greek
    letters: é->e, ó->o, ά->α, İ->I, ế->e. Letters that do not decompose
    (ł, đ, ø, œ, ħ, ð) and Cyrillic letters (й, ё, ї) are kept."""
    out = []
    for ch in unicodedata.normalize("NFD", s):
        if 0x300 <= ord(ch) <= 0x36F and out and _latin_or_greek(out[-1]):
            continue
        out.append(ch)
    return nfc("".join(out))


def fold(s):
    return strip_accents(nfc(s).casefold())


def is_cjk(s):
    for ch in s:
        o = ord(ch)
        if (0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF
                or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF):
            return True
    return False


def tokens(text):
    """Whitespace-separated words with leading/trailing punctuation removed;
    inner apostrophes and hyphens stay (l'hôtel is one token, not 'hôtel')."""
    out = []
    for raw in fold(text).split():
        i, j = 0, len(raw)
        while i < j and unicodedata.category(raw[i])[0] not in "LNM":
            i += 1
        while j > i and unicodedata.category(raw[j - 1])[0] not in "LNM":
            j -= 1
        if i < j:
            out.append(raw[i:j])
    return out


def matches(query, text, mode="word"):
    if mode == "substr" or (mode == "word" and is_cjk(query)):
        return fold(query) in fold(text)
    if mode.startswith("stem:"):
        stem = mode[5:]
        return any(t.startswith(stem) for t in tokens(text))
    return fold(query) in tokens(text)


def wrap_body(text, width=72):
    """Paragraphs are separated by blank lines; a paragraph holding a newline
    is kept as written, any other is wrapped at `width` columns."""
    paras = []
    for p in text.strip("\n").split("\n\n"):
        if "\n" in p or len(p) <= width:
            paras.append(p)
        else:
            paras.append(textwrap.fill(p, width=width, break_long_words=False,
                                       break_on_hyphens=False))
    return "\n\n".join(paras) + "\n"


# --------------------------------------------------------------------------
# Encoders

VI_TONES = {0x300, 0x301, 0x303, 0x309, 0x323}


def enc_cp1258(text):
    """windows-1258 as Windows writes Vietnamese: a precomposed letter when
    the code page has it (à, é, ô, ơ, ư...), otherwise the base letter with
    its shape marks (ê, ơ, ă...) followed by a combining tone mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base = nfc("".join(c for c in d if ord(c) not in VI_TONES))
        out += base.encode("cp1258")
        for c in d:
            if ord(c) in VI_TONES:
                out += c.encode("cp1258")
    return bytes(out)


def qp_encode(data, lower=False, stray_eq=False, width=76):
    """Quoted-printable (RFC 2045) of LF-separated bytes. lower: lowercase hex
    digits. stray_eq: an '=' followed by a character that is not a hex digit
    is written raw (a broken encoder), so decoders must keep it literally."""
    hexfmt = "={:02x}" if lower else "={:02X}"
    out_lines = []
    for line in data.split(b"\n"):
        toks = []
        i = 0
        while i < len(line):
            b = line[i]
            last = i == len(line) - 1
            if stray_eq and b == 0x3D and not last and chr(line[i + 1]) not in "0123456789abcdefABCDEF\t ":
                toks.append("=" + chr(line[i + 1]))
                i += 2
                continue
            if (33 <= b <= 126 and b != 0x3D) or (b in (0x20, 0x09) and not last):
                toks.append(chr(b))
            else:
                toks.append(hexfmt.format(b))
            i += 1
        cur = ""
        for t in toks:
            if len(cur) + len(t) > width - 1:
                out_lines.append(cur + "=")
                cur = ""
            cur += t
        out_lines.append(cur)
    return "\n".join(out_lines).encode("ascii")


def b64_lines(data, width=76):
    s = base64.b64encode(data).decode("ascii")
    return "\n".join(s[i:i + width] for i in range(0, len(s), width)) + "\n"


def b64_noisy(data):
    """Base64 with line noise: its final '=' padding dropped, a space inside
    every second line and a stray '*' inside every third."""
    s = base64.b64encode(data).decode("ascii")
    assert s.endswith("="), "the noisy base64 case needs a padded tail"
    s = s.rstrip("=")
    lines = [s[i:i + 72] for i in range(0, len(s), 72)]
    noisy = []
    for k, line in enumerate(lines):
        if k % 2 == 0 and len(line) > 30:
            line = line[:24] + " " + line[24:]
        if k % 3 == 1 and len(line) > 50:
            line = line[:48] + "*" + line[48:]
        noisy.append(line)
    return "\n".join(noisy) + "\n"


def flowed_encode(text, width=76, delsp=False):
    """format=flowed (RFC 3676). Lines longer than `width` become soft-broken
    lines ending in a space; lines starting with ' ', '>' or 'From ' are
    space-stuffed. With delsp, a soft break between words gets an extra
    space (deleted by the reader), and a word longer than 40 characters is
    split after its 20th character with a soft break."""
    out = []

    def emit(line):
        if line.startswith((" ", ">", "From ")):
            line = " " + line
        out.append(line)

    for line in text.split("\n"):
        assert not line.endswith(" "), "hard lines end without a space"
        if len(line) <= width:
            emit(line)
            continue
        cur = ""
        for w in line.split(" "):
            if not cur:
                cur = w
            elif len(cur) + 1 + len(w) <= width:
                cur += " " + w
            elif delsp and len(w) > 40:
                emit(cur + "  ")
                emit(w[:20] + " ")
                cur = w[20:]
            else:
                emit(cur + ("  " if delsp else " "))
                cur = w
        emit(cur)
    return "\n".join(out)


def unflow(text, delsp):
    """Reader side of RFC 3676, used by --check only."""
    out, buf = [], ""
    for line in text.split("\n"):
        if line.startswith(" "):
            line = line[1:]
        if line.endswith(" ") and line != "-- ":
            buf += line[:-1] if delsp else line
        else:
            out.append(buf + line)
            buf = ""
    if buf:
        out.append(buf)
    return "\n".join(out)


# --------------------------------------------------------------------------
# Headers

def q_word(data):
    return "".join(chr(b) if (chr(b).isascii() and chr(b).isalnum()) else
                   "_" if b == 0x20 else "={:02X}".format(b) for b in data)


def encoded_words(text, label, encode, kind, first_room, room=77):
    """RFC 2047 encoded words for `text`, chunked on character boundaries
    (a combining mark stays with its base) so that every word is
    self-contained and the first fits in first_room columns, the others in
    room columns."""
    clusters = []
    for ch in text:
        if clusters and unicodedata.combining(ch):
            clusters[-1] += ch
        else:
            clusters.append(ch)

    def make(chunk):
        data = encode(chunk)
        body = q_word(data) if kind == "Q" else base64.b64encode(data).decode("ascii")
        return "=?{}?{}?{}?=".format(label, kind, body)

    words, cur = [], ""
    for c in clusters:
        limit = first_room if not words else room
        if cur and len(make(cur + c)) > limit:
            words.append(make(cur))
            cur = c
        else:
            cur += c
    if cur:
        words.append(make(cur))
    return words


def fold_words(name, words):
    """'Name: w1' then one further word per continuation line."""
    return name + ": " + "\n ".join(words)


def header_text(name, text, spec):
    """spec: None (ASCII as is), ('Q'|'B', label, encode)."""
    if spec is None:
        assert text.isascii()
        return "{}: {}".format(name, text)
    kind, label, encode = spec
    words = encoded_words(text, label, encode, kind, 78 - len(name) - 2)
    return fold_words(name, words)


def header_from(name, addr, spec):
    if spec is None:
        assert name.isascii()
        shown = name if re.fullmatch(r"[A-Za-z0-9 ]+", name) else '"' + name + '"'
        return "From: {} <{}>".format(shown, addr)
    kind, label, encode = spec
    words = encoded_words(name, label, encode, kind, 78 - 6)
    line = fold_words("From", words)
    last = line.split("\n")[-1]
    if len(last) + 2 + len(addr) + 1 <= 78:
        return line + " <" + addr + ">"
    return line + "\n <" + addr + ">"


# --------------------------------------------------------------------------
# The messages

def enc_with(codec):
    return lambda s: s.encode(codec)


def label_spec(kind, label, codec):
    return (kind, label, enc_cp1258 if codec == "cp1258" else enc_with(codec))


UTF8Q = ("Q", "UTF-8", enc_with("utf-8"))
UTF8B = ("B", "UTF-8", enc_with("utf-8"))

MESSAGES = []


def M(slug, case, lang, sender, addr, subject, body, **kw):
    m = dict(slug=slug, case=case, lang=lang, sender=sender, addr=addr + "@" + DOMAIN,
             subject=subject, body=body)
    m.update(kw)
    MESSAGES.append(m)
    return m


def legacy(slug, case, lang, sender, addr, subject, body, label, codec, cte="8bit",
           hdr=None, **kw):
    """A text/plain message in one legacy charset; its subject and display
    name are RFC 2047 words in the same charset (Q for Latin scripts, B
    otherwise)."""
    kind = hdr or "Q"
    spec = label_spec(kind, label, codec)
    return M(slug, case, lang, sender, addr, subject, body, label=label, codec=codec,
             cte=cte, subj_spec=spec, from_spec=spec, **kw)


# 1. UTF-8 -----------------------------------------------------------------
M("utf8-8bit", "UTF-8, 8bit", "fr", "Sophie Garnier", "s.garnier",
  "Inventaire des cartons du sous-sol",
  """Bonjour,

Les cartons du sous-sol ont été triés cette semaine : il reste à numériser les dossiers de 2014 à 2016. Chaque boîte porte désormais une étiquette datée et un numéro de série. Merci de prévenir François avant de sortir un carton de la réserve.

Bonne journée,
Sophie""",
  label="UTF-8", codec="utf-8", cte="8bit", search="numériser")

M("utf8-qp", "UTF-8, quoted-printable", "pl", "Agnieszka Wójcik", "a.wojcik",
  "Wyjazd służbowy w marcu",
  """Dzień dobry,

Kraków przyjmie naszą grupę od 12 do 14 marca. Zarezerwowałam pokoje w hotelu niedaleko Rynku Głównego, a śniadania są wliczone w cenę. Proszę potwierdzić udział do piątku, żebym mogła zamówić bilety na pociąg.

Pozdrawiam serdecznie,
Agnieszka""",
  label="UTF-8", codec="utf-8", cte="quoted-printable", search="Kraków")

M("utf8-base64", "UTF-8, base64", "ru", "Ольга Смирнова", "o.smirnova",
  "Отчёт о поездке",
  """Добрый день!

Новосибирск встретил нас морозом, но все встречи прошли по плану. Мы передали архивные материалы в городскую библиотеку и получили подписанный акт приёма. Полный отчёт с фотографиями я пришлю в понедельник.

С уважением,
Ольга""",
  label="UTF-8", codec="utf-8", cte="base64", subj_spec=UTF8B, from_spec=UTF8B,
  search="Новосибирск")

# 2. UTF-16 / UTF-32 -------------------------------------------------------
M("utf16le-bom", "UTF-16LE with a BOM, base64", "uk", "Оксана Коваленко", "o.kovalenko",
  "Переклад документів",
  """Добрий день!

Переклад усіх документів для Львова готовий, залишилося лише перевірити таблиці. Я надішлю вам остаточну версію завтра до обіду. Якщо знайдете помилки, будь ласка, позначте їх жовтим кольором.

З повагою,
Оксана""",
  label="UTF-16LE", codec="utf-16-le", bom=b"\xff\xfe", cte="base64",
  subj_spec=UTF8B, from_spec=UTF8B, search="документів")

M("utf16be-nobom", "UTF-16BE without a BOM, base64", "he", "דוד לוי", "d.levi",
  "סיכום הביקור בחיפה",
  """שלום רב,

הביקור בחיפה עבר בהצלחה רבה. נפגשנו עם צוות הספרייה העירונית וקיבלנו גישה לארכיון העיתונים הישנים. אשלח את הסיכום המלא עד יום חמישי.

בברכה,
דוד""",
  label="UTF-16BE", codec="utf-16-be", cte="base64", subj_spec=UTF8B, from_spec=UTF8B,
  search="חמישי")

M("utf16-bom", "UTF-16 (label without byte order) with a big-endian BOM, base64", "ja",
  "山田花子", "h.yamada", "大阪出張の日程について",
  """お疲れさまです。
来週の大阪出張の日程が決まりました。
月曜日の朝に新幹線で出発し、水曜日の夕方に戻ります。
会議資料は金曜日までに共有フォルダに置いてください。
よろしくお願いします。

山田""",
  label="UTF-16", codec="utf-16-be", bom=b"\xfe\xff", cte="base64",
  subj_spec=UTF8B, from_spec=UTF8B, search="大阪")

M("utf32le-nobom", "UTF-32LE without a BOM, base64", "th", "สมชาย ใจดี", "somchai",
  "กำหนดการเดินทางไปเชียงใหม่",
  """สวัสดีครับ

ทีมงานจะเดินทางไป เชียงใหม่ ในวันอังคารหน้า เพื่อเก็บเอกสารจากสำนักงานสาขา กรุณาเตรียมรายชื่อผู้เดินทางและส่งให้ผมภายในวันศุกร์ ขอบคุณมากครับ

สมชาย""",
  label="UTF-32LE", codec="utf-32-le", cte="base64", subj_spec=UTF8B, from_spec=UTF8B,
  search="เชียงใหม่")

M("utf32-bom", "UTF-32 (label without byte order) with a little-endian BOM, base64", "el",
  "Νίκος Παπαδάκης", "n.papadakis", "Αποστολή εγγράφων",
  """Καλημέρα σας,

Τα έγγραφα στάλθηκαν σήμερα το πρωί με ταχυμεταφορά. Η Θεσσαλονίκη είναι ο τελικός προορισμός και η παράδοση αναμένεται την Πέμπτη. Παρακαλώ ενημερώστε με μόλις τα παραλάβετε.

Με εκτίμηση,
Νίκος""",
  label="UTF-32", codec="utf-32-le", bom=b"\xff\xfe\x00\x00", cte="base64",
  subj_spec=UTF8B, from_spec=UTF8B, search="Θεσσαλονίκη")

# 3. windows-125x ----------------------------------------------------------
legacy("cp1250", "windows-1250 (Polish), 8bit", "pl", "Tomasz Zieliński", "t.zielinski",
       "Zamówienie papieru do drukarni",
       """Cześć,

Drukarnia, z którą współpracujemy od lat, przeniosła się bliżej centrum. Kraków jest teraz tylko dwadzieścia minut od naszego magazynu, więc dostawy będą szybsze. Zamówiłem pięćset ryz papieru i dwa kartony kopert.

Pozdrawiam,
Tomek""",
       "windows-1250", "cp1250", search="Kraków")

legacy("cp1251", "windows-1251 (Russian), 8bit", "ru", "Дмитрий Волков", "d.volkov",
       "Счёт за хранение архива",
       """Здравствуйте!

Прилагаю счёт за хранение архива за первый квартал. Склад находится в пригороде, и Новосибирск остаётся нашим главным региональным центром. Оплату нужно провести до конца месяца, иначе начислят пени.

Всего доброго,
Дмитрий""",
       "windows-1251", "cp1251", hdr="B", search="Новосибирск")

legacy("cp1252", "windows-1252 (French with €, œ, curly quotes, ellipsis), 8bit", "fr",
       "Léa Fontaine", "l.fontaine", "Devis de l’imprimeur : 1 250 €",
       """Bonjour,

L’imprimeur nous propose un devis de 1 250 € pour les affiches et les brochures… C’est un peu plus que prévu, mais le papier recyclé coûte cher cette année. Il précise que cette œuvre de notre graphiste demande une encre spéciale, et il écrit : “livraison sous dix jours ouvrés”.

Bien à vous,
Léa""",
       "windows-1252", "cp1252", search="œuvre")

legacy("cp1253", "windows-1253 (Greek), 8bit", "el", "Ελένη Γεωργίου", "e.georgiou",
       "Κρατήσεις ξενοδοχείου για τον Μάιο",
       """Γεια σας,

Κλείσαμε δέκα δωμάτια σε ξενοδοχείο κοντά στο λιμάνι. Η Θεσσαλονίκη έχει πολλές εκδηλώσεις τον Μάιο, γι’ αυτό οι τιμές είναι λίγο υψηλότερες. Η προκαταβολή πρέπει να πληρωθεί μέχρι την Τρίτη.

Φιλικά,
Ελένη""",
       "windows-1253", "cp1253", hdr="B", search="Θεσσαλονίκη")

legacy("cp1254", "windows-1254 (Turkish), 8bit", "tr", "Ayşe Yıldız", "a.yildiz",
       "Ofisin taşınması hakkında",
       """Merhaba,

İstanbul ofisimiz ağustos ayında Kadıköy'deki yeni binaya taşınıyor. Tüm dosyaların numaralandırılıp kolilere yerleştirilmesi gerekiyor. Taşıma şirketi cuma günü öğleden sonra gelecek.

Saygılarımla,
Ayşe""",
       "windows-1254", "cp1254", search="İstanbul")

legacy("cp1255", "windows-1255 (Hebrew, with the ₪ sign), 8bit", "he", "רחל כהן", "r.cohen",
       "הזמנת אולם לכנס השנתי",
       """שלום לכולם,

הזמנו את האולם לכנס השנתי. העיר ירושלים מארחת השנה גם תערוכת ספרים, ולכן כדאי לסגור את המלונות מוקדם. המחיר, 4,500 ₪, כולל כיבוד קל ומערכת הגברה. נא לאשר את ההזמנה עד סוף השבוע.

תודה,
רחל""",
       "windows-1255", "cp1255", hdr="B", search="ירושלים")

legacy("cp1256", "windows-1256 (Arabic), 8bit", "ar", "ليلى حداد", "l.haddad",
       "ترجمة التقرير السنوي",
       """مرحباً،

انتهينا من ترجمة التقرير السنوي إلى اللغة الفرنسية. سيتم إرسال النسخة النهائية إلى مكتب القاهرة يوم الأحد المقبل. يرجى مراجعة الجداول قبل الطباعة. وسنرسل لكم نسخة إلكترونية أيضاً.

مع التحية،
ليلى""",
       "windows-1256", "cp1256", hdr="B", search="القاهرة")

legacy("cp1257", "windows-1257 (Latvian), 8bit", "lv", "Līga Bērziņa", "liga.berzina",
       "Grāmatvedības dokumenti ceturksnim",
       """Labdien,

Nosūtu grāmatvedības dokumentus par pirmo ceturksni. Rīgas birojs ir pārbaudījis visus rēķinus, un kļūdas netika atrastas. Lūdzu, apstipriniet saņemšanu līdz piektdienai. Oriģinālie dokumenti glabājas birojā.

Ar cieņu,
Līga""",
       "windows-1257", "cp1257", search="Rīgas")

legacy("cp1258", "windows-1258 (Vietnamese; tone marks written as combining characters where the code page has no precomposed letter)",
       "vi", "Nguyễn Thị Lan", "lan.nguyen", "Lịch công tác ở Huế tháng sau",
       """Chào anh,

Đoàn công tác sẽ đến Huế vào thứ Hai tuần sau. Chúng tôi đã đặt phòng ở một khách sạn gần sông Hương. Xin anh gửi danh sách tài liệu cần mang theo trước thứ Sáu.

Trân trọng,
Lan""",
       "windows-1258", "cp1258", search="Huế")

# 4. ISO-8859-x ------------------------------------------------------------
legacy("iso-8859-1", "ISO-8859-1 (Spanish), 8bit, quoted label", "es", "Carmen Núñez", "c.nunez",
       "Envío de los carteles",
       """Hola a todos:

Los carteles para la feria de Sevilla salieron ayer por mensajería urgente. ¿Podéis confirmar que llegan antes del jueves? El diseñador añadió una versión pequeña para las ventanillas, así que habrá dos cajas.

Un saludo,
Carmen""",
       "ISO-8859-1", "iso8859-1", quote_label=True, search="mensajería")

legacy("iso-8859-2", "ISO-8859-2 (Czech), quoted-printable", "cs", "Jiří Dvořák", "j.dvorak",
       "Překlad smlouvy pro Brno",
       """Dobrý den,

překlad smlouvy je hotový a posílám ho dnes odpoledne. Brněnská pobočka ještě čeká na podpis ředitele, který se vrátí ve středu. Prosím, zkontrolujte hlavně čísla účtů na třetí straně.

S pozdravem,
Jiří Dvořák""",
       "ISO-8859-2", "iso8859-2", cte="quoted-printable", search="překlad")

legacy("iso-8859-3", "ISO-8859-3 (Maltese), 8bit", "mt", "Ġorġ Borg", "g.borg",
       "Il-kumitat nhar l-Erbgħa",
       """Għeżież sħabi,

Il-kumitat se jiltaqa' nhar l-Erbgħa filgħodu fil-Belt Valletta. Din id-darba se nużaw kamra ċkejkna ħdejn il-bieb prinċipali. Jekk jogħġbok ġib miegħek il-kopji tar-rapport u l-lista tal-voluntiera.

Grazzi,
Ġorġ""",
       "ISO-8859-3", "iso8859-3", search="prinċipali")

legacy("iso-8859-4", "ISO-8859-4 (Estonian), quoted-printable", "et", "Kadri Tamm", "kadri.tamm",
       "Tõlgete tähtaeg nihkub",
       """Tere,

Tõlkebüroo teatas, et tõlgete tähtaeg nihkub järgmise nädala reedeni. Tallinna kontor on selle kokkuleppega nõus, kuid soovib vahepeal näha esimest peatükki. Palun saada mulle oma märkused hiljemalt homme õhtuks.

Parimate soovidega,
Kadri""",
       "ISO-8859-4", "iso8859-4", cte="quoted-printable", search="Tõlkebüroo")

legacy("iso-8859-5", "ISO-8859-5 (Bulgarian), 8bit", "bg", "Георги Петров", "g.petrov",
       "Доставка на брошурите",
       """Здравейте,

Брошурите за изложението в Пловдив бяха отпечатани вчера. Куриерът ще ги достави в сряда сутринта, ако времето позволява. Моля, осигурете някой да подпише приемателния протокол.

Поздрави,
Георги""",
       "ISO-8859-5", "iso8859-5", hdr="B", search="Пловдив")

legacy("iso-8859-6", "ISO-8859-6 (Arabic), 8bit", "ar", "عمر خليل", "o.khalil",
       "موعد تسليم الكتيبات",
       """السلام عليكم،

ستصل الكتيبات المطبوعة إلى مكتب عمان صباح الثلاثاء. يرجى التأكد من وجود شخص لاستلام الصناديق وتوقيع الإيصال وعدّ الصناديق. سنرسل الفاتورة بعد التسليم مباشرة. نرجو إبلاغنا بأي تأخير.

شكراً،
عمر""",
       "ISO-8859-6", "iso8859-6", hdr="B", search="الكتيبات")

legacy("iso-8859-7", "ISO-8859-7 (Greek), quoted-printable", "el", "Μαρία Κωνσταντίνου",
       "m.konstantinou", "Πρόγραμμα εκδηλώσεων Ιουνίου",
       """Καλησπέρα,

Το πρόγραμμα των εκδηλώσεων του Ιουνίου είναι σχεδόν έτοιμο. Η πρώτη παρουσίαση θα γίνει στη Θεσσαλονίκη και η δεύτερη στην Πάτρα. Στείλτε μου τις διορθώσεις σας μέχρι την Παρασκευή.

Ευχαριστώ,
Μαρία""",
       "ISO-8859-7", "iso8859-7", cte="quoted-printable", hdr="B", search="Θεσσαλονίκη")

legacy("iso-8859-8", "ISO-8859-8 (Hebrew, logical order), 8bit", "he", "יוסי מזרחי", "y.mizrahi",
       "אישור הזמנת האוטובוס",
       """שלום לכולם,

קיבלנו אישור סופי להזמנת האוטובוס. הנסיעה יוצאת מתל אביב בשמונה בבוקר ומגיעה אל העיר ירושלים לפני עשר. נא להביא תעודה מזהה ובקבוק מים. הדרכה קצרה על ההיסטוריה של העיר תינתן באוטובוס.

להתראות,
יוסי""",
       "ISO-8859-8", "iso8859-8", hdr="B", search="ירושלים")

legacy("iso-8859-9", "ISO-8859-9 (Turkish), 8bit", "tr", "Mehmet Öztürk", "m.ozturk",
       "Fuar standı için malzeme listesi",
       """Merhaba,

Fuar standı için gereken malzemeleri aşağıda sıralıyorum: iki masa, altı sandalye ve bir projeksiyon perdesi. Etkinlik İstanbul Kongre Merkezi'nde yapılacak. Kurulum perşembe akşamı başlıyor, lütfen geç kalmayın.

Kolay gelsin,
Mehmet""",
       "ISO-8859-9", "iso8859-9", search="İstanbul")

legacy("iso-8859-10", "ISO-8859-10 (Icelandic), quoted-printable", "is", "Þóra Guðmundsdóttir", "thora",
       "Ferðaáætlun til Akureyrar",
       """Góðan daginn,

Ferðaáætlunin til Akureyrar er tilbúin og flugið fer á þriðjudaginn klukkan níu. Við gistum á litlu gistiheimili við höfnina í tvær nætur. Vinsamlegast látið mig vita ef einhver þarf sérstakt fæði.

Kveðja,
Þóra""",
       "ISO-8859-10", "iso8859-10", cte="quoted-printable", search="höfnina")

legacy("iso-8859-11", "ISO-8859-11 (Thai), 8bit", "th", "วิไล ศรีสุข", "wilai",
       "ส่งเอกสารถึงสำนักงานใหญ่แล้ว",
       """เรียนทุกท่าน

เอกสารทั้งหมดถูกส่งไปที่ สำนักงานใหญ่ เมื่อเช้านี้ คาดว่าจะถึงภายในวันพรุ่งนี้ หากมีปัญหาใด ๆ กรุณาติดต่อดิฉันทางอีเมล ถ้าต้องการสำเนาเพิ่มเติม แจ้งได้ตลอดเวลาค่ะ ดิฉันจะส่งให้ทันที

ขอบคุณค่ะ
วิไล""",
       "ISO-8859-11", "iso8859-11", hdr="B", search="สำนักงานใหญ่")

legacy("iso-8859-13", "ISO-8859-13 (Lithuanian), 8bit", "lt", "Rūta Kazlauskienė", "r.kazlauskiene",
       "Vertimų sąrašas Vilniaus biurui",
       """Laba diena,

Siunčiu atnaujintą vertimų sąrašą Vilniaus biurui. Trys dokumentai dar laukia redaktoriaus patvirtinimo, o kiti jau išsiųsti klientams. Prašau pranešti, jei pastebėsite klaidų datose.

Pagarbiai,
Rūta""",
       "ISO-8859-13", "iso8859-13", search="Siunčiu")

legacy("iso-8859-14", "ISO-8859-14 (Welsh), quoted-printable", "cy", "Siôn Prys", "sion.prys",
       "Pwyllgor dydd Iau ym Mangor",
       """Annwyl gyfeillion,

Bydd y pwyllgor yn cwrdd ym Mangor ddydd Iau nesaf am ddau o'r gloch. Mae'r ŵyl lenyddol yn dechrau'r un wythnos, felly bydd y dref yn brysur iawn. Dewch â chopi o'r adroddiad blynyddol os gwelwch yn dda.

Cofion cynnes,
Siôn""",
       "ISO-8859-14", "iso8859-14", cte="quoted-printable", search="ŵyl")

legacy("iso-8859-15", "ISO-8859-15 (French with € and œ, which ISO-8859-1 lacks), 8bit", "fr",
       "Gaël Moreau", "g.moreau", "Facture du traiteur : 480 €",
       """Bonjour,

Le traiteur a envoyé sa facture de 480 € pour le buffet du personnel. Elle comprend les entrées, un bœuf bourguignon, les boissons et le service en salle. Je propose de la régler dès lundi pour profiter de la remise de 5 %.

Cordialement,
Gaël""",
       "ISO-8859-15", "iso8859-15", search="régler")

legacy("iso-8859-16", "ISO-8859-16 (Romanian, ș and ț with comma below), quoted-printable", "ro",
       "Ioana Popescu", "i.popescu", "Tipărirea afișelor",
       """Bună ziua,

Afișele pentru Timișoara au fost tipărite ieri și vor fi expediate mâine dimineață. Vă rog să verificați dacă adresa de livrare este încă cea din strada Mărășești. În cazul unor modificări, anunțați-mă până la ora patru.

Cu stimă,
Ioana""",
       "ISO-8859-16", "iso8859-16", cte="quoted-printable", search="Timișoara")

# 5. ISO-8859-1 / US-ASCII labels over windows-1252 bytes -------------------
M("label-latin1-bytes-cp1252", "label ISO-8859-1, bytes windows-1252 with €, curly quotes and œ (0x80, 0x93, 0x94, 0x9C)",
  "fr", "Chloé Perrin", "c.perrin", "Tarifs de la salle du premier étage",
  """Bonjour,

La salle du premier étage coûte 300 € la journée, ménage compris. Le gérant insiste sur “la règle du silence” après 22 heures, car des familles vivent au-dessus. Il nous offre aussi un café et des œufs brouillés le matin.

À bientôt,
Chloé""",
  label="ISO-8859-1", codec="cp1252", cte="8bit", py_body=False, search="brouillés")

M("label-usascii-bytes-cp1252", "label US-ASCII, 8-bit French bytes in windows-1252", "fr",
  "Rémi Caron", "r.caron", "Notes sur la conférence de jeudi",
  """Bonjour,

Voici mes notes après la conférence de jeudi. Le garçon de l'accueil a déjà rangé les badges, et la liste des intervenants est à jour. Merci de vérifier les reçus avant vendredi, la comptabilité les réclame.

À lundi,
Rémi""",
  label="US-ASCII", codec="cp1252", cte="8bit", py_body=False, search="garçon")

# 6. KOI8 ------------------------------------------------------------------
legacy("koi8-r", "KOI8-R (Russian), 8bit", "ru", "Сергей Иванов", "s.ivanov",
       "Командировка на следующей неделе",
       """Привет!

На следующей неделе я еду в командировку. Новосибирск будет первой остановкой, потом Томск и Омск. Если нужно что-то передать коллегам, принеси мне до четверга. Вернусь в следующую пятницу.

Сергей""",
       "KOI8-R", "koi8-r", hdr="B", search="Новосибирск")

legacy("koi8-u", "KOI8-U (Ukrainian, with ґ ї є і), 8bit", "uk", "Андрій Шевчук", "a.shevchuk",
       "Повернення ящиків після виставки",
       """Добрий вечір!

Виставка в Києві пройшла чудово, і відвідувачів було більше, ніж ми очікували. Порожні ящики поки що стоять на ґанку, і галерея просить забрати їх до п'ятниці. Я вже домовився з перевізником, він приїде в четвер зранку.

Ваш Андрій""",
       "KOI8-U", "koi8-u", hdr="B", search="відвідувачів")

# 7. CJK legacy charsets ---------------------------------------------------
legacy("gb2312", "GB2312 (simplified Chinese), 8bit", "zh", "李伟", "li.wei",
       "关于下周培训的安排",
       """各位同事：
下周三上午九点在三楼会议室举行新员工培训。
请各部门负责人在星期一下班以前把参加人员名单发给我。
培训结束后有简单的午餐，地点在一楼食堂。
如果有特殊饮食要求，请在星期一之前告诉我。
谢谢！

李伟""",
       "GB2312", "gb2312", hdr="B", search="培训")

legacy("gbk", "GBK (characters 喆 and 堃, which GB2312 lacks), 8bit", "zh", "张堃", "zhang.kun",
       "展览说明牌的校对",
       """王喆你好：
这次展览一共有四十块说明牌，由我负责校对。
印刷厂说有几个生僻字在旧系统里显示不出来，
所以我们改用了新的字库。
请在星期五之前确认最终版本。
新字库的授权已经办好了，费用由展览部承担。
谢谢！

张堃""",
       "GBK", "gbk", hdr="B", search="校对", not_in="gb2312")

legacy("gb18030", "GB18030 (𠀀 U+20000 and 㐀 U+3400: four-byte sequences, outside GBK), 8bit", "zh",
       "王芳", "wang.fang", "罕见汉字的录入规范",
       """各位好：
古籍数字化项目遇到了一些罕见的汉字，例如“𠀀”和“㐀”。
旧的编码无法表示这两个字，所以这份说明使用了新的编码。
请大家在录入时仔细核对字形。
有疑问请随时联系我，我每天上午都在办公室。
谢谢配合！

王芳""",
       "GB18030", "gb18030", hdr="B", search="古籍", not_in="gbk")

legacy("big5", "Big5 (traditional Chinese), 8bit", "zh-tw", "陳志明", "chen.zm",
       "台北辦公室搬遷通知",
       """各位同仁好：
台北辦公室將於下個月十五日搬到新的大樓。
搬家當天請把個人物品裝箱，並在箱子上寫好姓名和部門。
舊的辦公桌椅由搬家公司統一處理。
新地址和停車資訊會另外通知。
如有任何問題，請與總務處聯絡，分機號碼是二一五。

陳志明 敬上""",
       "Big5", "big5", hdr="B", search="台北")

legacy("shift_jis", "Shift_JIS (Japanese), 8bit", "ja", "鈴木一郎", "i.suzuki",
       "資料の送付について",
       """お世話になっております。
先日ご依頼いただいた資料を本日郵送いたしました。
到着まで二、三日かかる見込みです。
内容についてご不明な点があれば、お気軽にご連絡ください。
受け取られましたら、ご一報いただけると幸いです。
よろしくお願いいたします。

鈴木""",
       "Shift_JIS", "shift_jis", hdr="B", search="資料")

legacy("euc-jp", "EUC-JP (Japanese), 8bit", "ja", "高橋美咲", "m.takahashi",
       "名古屋での展示会の準備",
       """皆さん、お疲れさまです。
名古屋での展示会まであと二週間になりました。
ポスターとパンフレットの最終確認を今週中にお願いします。
当日は朝八時に会場の入口に集合してください。
何か質問があれば、私まで連絡してください。

高橋""",
       "EUC-JP", "euc_jp", hdr="B", search="名古屋")

legacy("iso-2022-jp", "ISO-2022-JP (Japanese), 7bit", "ja", "中村健", "k.nakamura",
       "京都支店の見学について",
       """中村です。
来月の京都支店の見学は、十日の午後に決まりました。
参加される方は、前日までに名前を知らせてください。
見学のあとで簡単な懇親会を予定しています。
よろしくお願いいたします。""",
       "ISO-2022-JP", "iso2022_jp", cte="7bit", hdr="B", search="京都")

legacy("euc-kr", "EUC-KR (Korean), 8bit", "ko", "박지영", "jy.park",
       "부산 출장 보고서 제출 안내",
       """안녕하세요.
지난주 부산 출장 보고서를 이번 금요일까지 제출해 주세요.
영수증은 스캔해서 보고서와 함께 첨부하시면 됩니다.
궁금한 점이 있으면 언제든지 연락 주세요.
출장비 정산은 다음 주에 진행됩니다.

박지영 드림""",
       "EUC-KR", "euc_kr", hdr="B", search="부산")

# 8. UTF-7 -----------------------------------------------------------------
M("utf7", "UTF-7, 7bit", "fr", "Yves Lambert", "y.lambert", "Clés du local",
  """Bonjour,

J'ai déposé les clés du local chez la gardienne, au rez-de-chaussée. Elle sera présente jusqu'à dix-huit heures et demandera une pièce d'identité. N'oubliez pas de refermer la grille en partant, s'il vous plaît.

Merci d'avance,
Yves""",
  label="UTF-7", codec="utf-7", cte="7bit", search="déposé")

# 9. Missing, wrong, unknown and alias labels -------------------------------
M("nolabel-utf8", "no charset label, UTF-8 bytes (French)", "fr", "Nadia Benali", "n.benali",
  "Photos de la soirée",
  """Bonsoir,

Les photos de la soirée de samedi sont enfin triées. J'en ai gardé une quarantaine, les plus réussies, où l'on voit bien la décoration et le gâteau. Dites-moi avant mercredi si vous préférez qu'on retire certains clichés.

Bonne soirée,
Nadia""",
  label=None, codec="utf-8", cte="8bit", py_body=False, search="réussies")

M("nolabel-cp1252", "no charset label, windows-1252 French bytes (none in 0x80-0x9F)", "fr",
  "Hugo Marchand", "h.marchand", "Matériel pour le stand",
  """Bonjour,

Pour le stand de dimanche, il nous faut deux tables pliantes, une rallonge électrique et le kakémono bleu. Élodie apportera les gobelets réutilisables et une nappe. Pensez à prévoir des pièces de monnaie pour la caisse.

Merci,
Hugo""",
  label=None, codec="cp1252", cte="8bit", py_body=False, no_c1=True, search="réutilisables")

M("wronglabel-utf8-is-cp1252", "label UTF-8, bytes windows-1252 French (none in 0x80-0x9F)", "fr",
  "Manon Roux", "m.roux", "Horaires d'été de l'accueil",
  """Bonjour à tous,

À partir du 2 juillet, l'accueil ouvrira à huit heures et fermera à seize heures. Les livraisons seront reçues uniquement le matin, sauf accord préalable. Merci de prévenir vos correspondants et de mettre à jour votre répondeur.

Bonne journée,
Manon""",
  label="UTF-8", codec="cp1252", cte="8bit", py_body=False, no_c1=True, search="préalable")

M("unknown-label-utf8", "unknown label x-unknown-charset, UTF-8 bytes (Portuguese)", "pt",
  "João Ferreira", "j.ferreira", "Visita à gráfica em Coimbra",
  """Olá a todos,

A visita à gráfica de Coimbra ficou marcada para terça-feira às dez horas. Vamos conhecer as novas máquinas de impressão e discutir os prazos de entrega. Quem quiser participar deve avisar-me até amanhã à tarde.

Abraços,
João""",
  label="x-unknown-charset", codec="utf-8", cte="8bit", py_body=False, search="gráfica")

M("alias-utf8", "alias label utf8 (Norwegian), 8bit, quoted label", "no", "Ingrid Sæther", "i.saether",
  "Overlevering av nøklene",
  """Hei alle sammen,

Nøklene til kontoret i Bergen blir overlevert på fredag klokken tolv. Vaktmesteren går gjennom rommene sammen med oss og noterer eventuelle skader. Husk å tømme kjøleskapet og ta med dere alle personlige eiendeler før den tid.

Hilsen,
Ingrid""",
  label="utf8", codec="utf-8", cte="8bit", quote_label=True, search="Nøklene")

legacy("alias-latin1", "alias label latin1 (French), 8bit", "fr", "Pauline Mercier", "p.mercier",
       "Commande de fournitures",
       """Bonjour,

J'ai passé la commande de fournitures ce matin : ramettes, agrafes, chemises cartonnées et surligneurs. Le fournisseur garantit une livraison avant jeudi midi. S'il manque quelque chose, dites-le-moi aujourd'hui pour que je complète la liste.

Merci,
Pauline""",
       "latin1", "latin-1", search="cartonnées")

legacy("alias-cp1252", "alias label cp1252 (French with €), 8bit", "fr", "Julien Roy", "j.roy",
       "Remboursement des frais : 86,40 €",
       """Bonjour,

Votre note de frais a été validée pour un montant de 86,40 €. Le virement partira avec la paie de fin de mois. Pensez à garder les tickets originaux : ils peuvent être demandés lors d’un contrôle.

Bien cordialement,
Julien""",
       "cp1252", "cp1252", search="validée")

# 10. Transfer encodings ---------------------------------------------------
M("qp-torture", "quoted-printable: soft line breaks, lowercase hex (=c3=a9), a stray '=' before a non-hex character",
  "fr", "Sarah Blanc", "s.blanc", "Formules du tableur",
  """Bonjour,

Dans le tableur partagé, la colonne des totaux utilise maintenant la formule total=prix*quantité au lieu de l'ancienne somme manuelle, ce qui évite les erreurs de recopie et simplifie la vérification en fin de mois.
Le séparateur décimal reste la virgule.

Merci de ne pas modifier les cellules protégées.
Sarah
""",
  label="UTF-8", codec="utf-8", cte="qp-torture", wrap=False, search="séparateur",
  pick=["Dans le tableur partagé, la colonne des totaux utilise maintenant la formule "
        "total=prix*quantité au lieu de l'ancienne somme manuelle, ce qui évite les erreurs "
        "de recopie et simplifie la vérification en fin de mois.",
        "Le séparateur décimal reste la virgule."])

M("base64-noisy", "base64 with spaces and stray '*' inside lines and no final padding (Hungarian, UTF-8)",
  "hu", "Kovács Eszter", "e.kovacs", "Nyomdai árajánlat érkezett",
  """Kedves Kollégák!

Megérkezett a nyomda árajánlata a tavaszi kiadványokra. A füzetek ára darabonként kétszázötven forint, ami jóval kedvezőbb a tavalyinál. Kérem, csütörtökig jelezzétek, ha valamelyik tételen még változtatni szeretnétek.

Üdvözlettel:
Eszter""",
  label="UTF-8", codec="utf-8", cte="base64-noisy", search="kedvezőbb")

M("binary-utf8", "Content-Transfer-Encoding: binary, raw UTF-8 (German)", "de", "Jürgen Weiß", "j.weiss",
  "Übergabe der Unterlagen in Köln",
  """Hallo zusammen,

die Übergabe der Unterlagen findet am Donnerstag in unserem Kölner Büro statt. Bitte bringt die unterschriebenen Verträge und die Schlüssel für das Lager mit. Danach gehen wir gemeinsam zum Mittagessen in die Gaststätte gegenüber.

Viele Grüße
Jürgen""",
  label="UTF-8", codec="utf-8", cte="binary", search="Gaststätte")

# 11. format=flowed --------------------------------------------------------
M("flowed", "format=flowed: a paragraph over 3 soft-broken lines, a space-stuffed ' From' line",
  "en", "Emily Hart", "e.hart", "Boxes in the café corner",
  """Hi everyone,

The archive room on the second floor will be repainted next week, so the café corner downstairs becomes our temporary workspace for all the boxes that still need labels and a quick inventory.
From Monday on, please sign the sheet at the door when you take a box out.

Thanks,
Emily
""",
  label="UTF-8", codec="utf-8", cte="8bit", flowed="yes", wrap=False, py_body=False,
  search="café",
  pick=["The archive room on the second floor will be repainted next week, so the café corner "
        "downstairs becomes our temporary workspace for all the boxes that still need labels "
        "and a quick inventory.",
        "From Monday on, please sign the sheet at the door when you take a box out."])

M("flowed-delsp", "format=flowed; delsp=yes: a long word split across a soft break", "en",
  "Rhys Morgan", "r.morgan", "Train tickets for the trip to Anglesey",
  """Hello all,

The tickets are booked: we change trains at Bangor and stop at Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch for the photographs.
The station sign is very long, so bring a wide lens.

Cheers,
Rhys
""",
  label="UTF-8", codec="utf-8", cte="7bit", flowed="delsp", wrap=False, py_body=False,
  search="Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
  pick=["The tickets are booked: we change trains at Bangor and stop at "
        "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch for the photographs."])

# 12. Header encodings -----------------------------------------------------
M("subject-q", "Subject in RFC 2047 Q (UTF-8), split over encoded words on folded lines", "fr",
  "Amandine Rivière", "a.riviere",
  "Relecture du règlement intérieur : dernières corrections avant l'impression définitive",
  """Bonjour,

Voici les dernières corrections du règlement intérieur, surtout dans les articles sur les congés et le télétravail. L'imprimeur attend le fichier définitif lundi matin. Relisez en priorité les pages sept à neuf.

Amandine""",
  label="UTF-8", codec="utf-8", cte="8bit", search="télétravail")

M("subject-b", "Subject in RFC 2047 B (UTF-8)", "pl", "Marek Nowicki", "m.nowicki",
  "Zaproszenie na jubileusz wydawnictwa",
  """Szanowni Państwo,

Wydawnictwo obchodzi w tym roku trzydziestolecie i zaprasza na uroczystą kolację. Gdańsk przygotował dla gości rejs statkiem po Motławie. Prosimy o odpowiedź do końca miesiąca.

Z wyrazami szacunku,
Marek Nowicki""",
  label="UTF-8", codec="utf-8", cte="8bit", subj_spec=UTF8B, search="Gdańsk")

M("from-quoted-encoded-word", "display name: an encoded word inside a quoted string", "fr",
  "François Dupré", "fd", "Planning des permanences",
  """Bonjour,

Le planning des permanences de février est en ligne sur l'intranet. Chacun doit s'inscrire sur au moins deux créneaux d'une demi-journée. Les échanges de créneaux se font directement entre collègues.

François""",
  label="UTF-8", codec="utf-8", cte="8bit",
  from_raw='From: "=?UTF-8?Q?Fran=C3=A7ois_Dupr=C3=A9?=" <fd@charset.example>',
  search="créneaux")

M("subject-adjacent-encoded-words", "Subject: two adjacent encoded words with no space between them",
  "fr", "Lucie Perret", "l.perret", "Café crème",
  """Bonjour,

La machine à café du deuxième étage est réparée. Le technicien a changé le moulin et nettoyé le circuit d'eau. Merci de vider le bac chaque soir pour éviter une nouvelle panne.

Lucie""",
  label="UTF-8", codec="utf-8", cte="8bit",
  subj_raw="Subject: =?UTF-8?Q?Caf=C3=A9?==?UTF-8?Q?_cr=C3=A8me?=", search="réparée")

_split = "Rentrée des stagiaires".encode("utf-8")
_cut = _split.index(b"\xc3") + 1
M("subject-split-multibyte", "Subject: B encoded words splitting the two bytes of é between them", "fr",
  "Bastien Collet", "b.collet", "Rentrée des stagiaires",
  """Bonjour,

Les six stagiaires de septembre arrivent lundi à neuf heures. Leur badge et leur ordinateur sont prêts à l'accueil. Prévoyez un quart d'heure pour leur présenter l'équipe. Le déjeuner du premier jour est offert.

Bastien""",
  label="UTF-8", codec="utf-8", cte="8bit",
  subj_raw="Subject: =?UTF-8?B?{}?= =?UTF-8?B?{}?=".format(
      base64.b64encode(_split[:_cut]).decode(), base64.b64encode(_split[_cut:]).decode()),
  search="stagiaires")

M("subject-unknown-charset-word", "Subject: an encoded word with an unknown charset (x-unknown) over UTF-8 bytes",
  "fr", "Margot Lenoir", "m.lenoir", "Pause café du vendredi",
  """Bonjour,

Vendredi à seize heures, nous organisons une pause café dans la grande salle pour fêter le départ de Paul. Chacun peut apporter un gâteau ou des fruits. Une carte circule discrètement pour lui écrire un mot.

Margot""",
  label="UTF-8", codec="utf-8", cte="8bit",
  subj_raw="Subject: Pause =?x-unknown?Q?caf=C3=A9?= du vendredi", search="fêter")

M("raw-utf8-headers", "raw UTF-8 Subject and From display name (RFC 6532)", "fr",
  "Zoé Lambert", "z.lambert", "Déjeuner d'équipe à Genève — jeudi",
  """Bonjour,

Le déjeuner d'équipe aura lieu jeudi dans un restaurant près du lac. Nous partirons de la gare de Genève à midi. Pensez à prendre une veste, il peut faire frais sur la terrasse.

Zoé""",
  label="UTF-8", codec="utf-8", cte="8bit", raw_headers="utf-8", py_from=False,
  search="Genève")

M("raw-cp1252-subject", "raw 8-bit windows-1252 Subject; body windows-1252 French", "fr",
  "Thibault Morel", "t.morel", "Idées reçues à l’atelier de mardi",
  """Bonjour,

J'ai rassemblé les idées reçues lors de l'atelier de mardi dans un seul document. Les propositions les plus citées concernent la lettre d'information et le site. Nous en discuterons à la prochaine séance, avant la fin du mois.

Bonne journée,
Thibault""",
  label="windows-1252", codec="cp1252", cte="8bit", raw_subject="cp1252", py_subject=False,
  search="rassemblé")

# 13. RFC 2231 file names --------------------------------------------------
M("rfc2231-filename", "RFC 2231 attachment file name filename*=UTF-8''...", "fr",
  "Élise Bonnet", "e.bonnet", "Programme de l'été 2018",
  """Bonjour,

Vous trouverez en pièce jointe le programme de l'été 2018. Il détaille les horaires d'ouverture, les congés de chacun et les permanences du mois d'août. Merci de me signaler toute erreur avant vendredi.

Élise""",
  label="UTF-8", codec="utf-8", cte="8bit", attachment="été 2018.pdf",
  disposition="Content-Disposition: attachment; filename*=UTF-8''%C3%A9t%C3%A9%202018.pdf",
  search="congés")

M("rfc2231-continuation", "RFC 2231 attachment file name in two continuations (filename*0*, filename*1*)",
  "fr", "Olivier Chevalier", "o.chevalier", "Compte rendu de la saison d'été",
  """Bonjour,

Le compte rendu de la saison d'été est joint à ce message. Il résume la fréquentation, les dépenses et les suggestions des visiteurs. Vos remarques sont les bienvenues jusqu'à la fin de la semaine.

Olivier""",
  label="UTF-8", codec="utf-8", cte="8bit", attachment="Compte rendu été.pdf",
  disposition="Content-Disposition: attachment;\n filename*0*=UTF-8''Compte%20rendu%20;\n filename*1*=%C3%A9t%C3%A9.pdf",
  search="fréquentation")

# 14. HTML with the charset in a <meta> only --------------------------------
M("html-meta-cp1251", "text/html, no MIME charset, <meta charset=\"windows-1251\"> (Russian)", "ru",
  "Анна Кузнецова", "a.kuznetsova", "Приглашение на открытие выставки",
  ["Добрый день!",
   "Приглашаем вас на открытие фотовыставки в городской галерее. Новосибирск глазами молодых фотографов — так называется экспозиция.",
   "Открытие состоится в пятницу в семь часов вечера, вход свободный.",
   "Анна"],
  label=None, codec="cp1251", cte="8bit", html='<meta charset="windows-1251">',
  subj_spec=("B", "windows-1251", enc_with("cp1251")),
  from_spec=("B", "windows-1251", enc_with("cp1251")),
  py_body=False, search="Новосибирск")

M("html-meta-http-equiv-8859-7", "text/html, no MIME charset, <meta http-equiv> naming ISO-8859-7 (Greek)",
  "el", "Κώστας Αντωνίου", "k.antoniou", "Νέα ώρα για την παρουσίαση",
  ["Αγαπητοί συνάδελφοι,",
   "Η παρουσίαση του βιβλίου μεταφέρεται στις έξι το απόγευμα. Ο εκδότης έρχεται από τη Θεσσαλονίκη και το τρένο του φτάνει αργότερα.",
   "Παρακαλώ ενημερώστε και τους προσκεκλημένους σας.",
   "Κώστας"],
  label=None, codec="iso8859-7", cte="8bit",
  html='<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-7">',
  subj_spec=("B", "ISO-8859-7", enc_with("iso8859-7")),
  from_spec=("B", "ISO-8859-7", enc_with("iso8859-7")),
  py_body=False, search="Θεσσαλονίκη")

# 15. NFD ------------------------------------------------------------------
_nfd = lambda s: unicodedata.normalize("NFD", s).encode("utf-8")
M("nfd-utf8", "UTF-8 in NFD (decomposed) in body, Subject and display name; expected text is NFC",
  "fr", "Amélie Bérard", "a.berard", "Dernière étape : la clôture des inscriptions",
  """Bonjour,

La période d'inscription à la formation se termine vendredi à midi. Après cette échéance, aucune demande ne sera acceptée, même avec l'accord d'un responsable. Les élèves déjà inscrits recevront leur convocation par courrier.

Amélie""",
  label="UTF-8", codec="utf-8", cte="8bit", nfd=True,
  subj_spec=("Q", "UTF-8", _nfd), from_spec=("Q", "UTF-8", _nfd), search="échéance")

# 16. Accent/case folding and stemming --------------------------------------
M("elysee-accented", "folding: Élysée, accented (subject and body)", "fr", "Victor Lemaire", "v.lemaire",
  "Réservation du salon Élysée",
  """Bonjour,

J'ai réservé le salon Élysée de l'hôtel pour la conférence de presse du 12. La salle peut accueillir quatre-vingts personnes assises. Le salon Élysée dispose aussi d'un écran et de deux micros sans fil.

Victor""",
  label="UTF-8", codec="utf-8", cte="8bit", search="Élysée")

M("elysee-upper", "folding: ELYSEE, capitals without accents (subject and body)", "fr",
  "Nora Chabert", "n.chabert", "CONFIRMATION SALON ELYSEE",
  """Bonjour,

Voici le texte du panneau d'accueil, à imprimer en grand format :
SALON ELYSEE - CONFERENCE DE PRESSE - 2E ETAGE
L'hôtel demande que le panneau soit installé avant neuf heures. Merci de le déposer à la réception dès demain.

Nora""",
  label="UTF-8", codec="utf-8", cte="quoted-printable", search="ELYSEE")

M("elysee-lower", "folding: elysée, lower case with one accent (subject and body)", "fr",
  "Karim Aubert", "k.aubert", "le micro du salon elysée",
  """salut,

le micro sans fil du salon elysée ne fonctionne plus, j'ai prévenu l'hôtel. ils vont nous en prêter un autre avant la conférence. le technicien passera vers dix heures. à confirmer demain matin.

karim""",
  label="UTF-8", codec="utf-8", cte="8bit", search="elysée")

M("stem-candidats", "stemming: French 'candidats' (never 'candidat')", "fr", "Inès Rolland", "i.rolland",
  "Entretiens de recrutement",
  """Bonjour,

Nous avons reçu quarante dossiers pour le poste d'assistant de rédaction. Les candidats retenus passeront un entretien de trente minutes la semaine prochaine. Chaque entretien sera mené par deux personnes du service.

Inès""",
  label="UTF-8", codec="utf-8", cte="8bit", search="candidats")

M("stem-meetings", "stemming: English 'meetings' (never 'meeting')", "en", "Oliver Grant", "o.grant",
  "New schedule for the weekly meetings",
  """Hi all,

Starting next month, our weekly meetings move from Monday to Thursday afternoon. The room on the third floor is booked until December. If you cannot attend, send your notes to the shared folder the day before.

Best,
Oliver""",
  label="UTF-8", codec="utf-8", cte="7bit", subj_spec=None, search="meetings")

# 17. CJK searchability ----------------------------------------------------
M("cjk-beijing-utf8", "CJK search: Chinese, UTF-8, 北京 inside a sentence", "zh", "刘洋", "liu.yang",
  "办事处的年度盘点",
  """大家好：
我们计划下个月在北京召开年度总结会。
办事处的资料室需要在会前完成盘点。
请各组在本周五之前提交物品清单。
会议的具体时间和地点另行通知。

刘洋""",
  label="UTF-8", codec="utf-8", cte="8bit", subj_spec=UTF8B, from_spec=UTF8B, search="北京")

legacy("cjk-tokyo-iso2022jp", "CJK search: Japanese, ISO-2022-JP, 東京 inside a sentence", "ja",
       "佐藤健太", "k.sato", "本社への書類の返送",
       """佐藤です。
お借りしていた書類を、明日東京の本社へ返送します。
到着は木曜日の午前中になる予定です。
書類は全部で三冊です。
念のため、受け取りの確認をお願いできますか。
よろしくお願いします。""",
       "ISO-2022-JP", "iso2022_jp", cte="7bit", hdr="B", search="東京")

legacy("cjk-seoul-euckr", "CJK search: Korean, EUC-KR, 서울 as a word", "ko", "김민수", "ms.kim",
       "사무소 이전 안내",
       """안녕하세요.
다음 달부터 서울 사무소가 새 건물로 이전합니다.
새 주소는 이번 주 안에 따로 알려 드리겠습니다.
이사 당일에는 전화 연결이 어려울 수 있습니다.
급한 일은 휴대전화로 연락해 주세요.

김민수 드림""",
       "EUC-KR", "euc_kr", hdr="B", search="서울")


# Queries over data/charsets indexed alone: (query, slugs of every hit, how
# --check recomputes the hits from the truth texts).
QUERIES = [
    ("élysée", ["elysee-accented", "elysee-upper", "elysee-lower"], "word"),
    ("elysee", ["elysee-accented", "elysee-upper", "elysee-lower"], "word"),
    ("ELYSÉE", ["elysee-accented", "elysee-upper", "elysee-lower"], "word"),
    ("candidat", ["stem-candidats"], "stem:candidat"),
    ("meeting", ["stem-meetings"], "stem:meet"),
    ("北京", ["cjk-beijing-utf8"], "substr"),
    ("東京", ["cjk-tokyo-iso2022jp"], "substr"),
    ("서울", ["cjk-seoul-euckr"], "substr"),
    ("Новосибирск", ["utf8-base64", "cp1251", "koi8-r", "html-meta-cp1251"], "word"),
    ("НОВОСИБИРСК", ["utf8-base64", "cp1251", "koi8-r", "html-meta-cp1251"], "word"),
    ("Θεσσαλονίκη", ["utf32-bom", "cp1253", "iso-8859-7", "html-meta-http-equiv-8859-7"], "word"),
    ("Θεσσαλονικη", ["utf32-bom", "cp1253", "iso-8859-7", "html-meta-http-equiv-8859-7"], "word"),
    ("ΘΕΣΣΑΛΟΝΙΚΗ", ["utf32-bom", "cp1253", "iso-8859-7", "html-meta-http-equiv-8859-7"], "word"),
    ("Kraków", ["utf8-qp", "cp1250"], "word"),
    ("Krakow", ["utf8-qp", "cp1250"], "word"),
    ("İstanbul", ["cp1254", "iso-8859-9"], "word"),
    ("istanbul", ["cp1254", "iso-8859-9"], "word"),
    ("ירושלים", ["cp1255", "iso-8859-8"], "word"),
    ("القاهرة", ["cp1256"], "word"),
    ("Huế", ["cp1258"], "word"),
    ("hue", ["cp1258"], "word"),
    ("œufs", ["label-latin1-bytes-cp1252"], "word"),
    ("garçon", ["label-usascii-bytes-cp1252"], "word"),
    ("Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch", ["flowed-delsp"], "word"),
    ("𠀀", ["gb18030"], "substr"),
]


# --------------------------------------------------------------------------
# Building

def number(m):
    return MESSAGES.index(m) + 1


def msg_id(m):
    return "cs-{:03d}@{}".format(number(m), DOMAIN)


def file_name(m):
    return "{:03d}-{}.eml".format(number(m), m["slug"])


def date_header(m):
    n = number(m)
    day = datetime.date(2018, 1, 1) + datetime.timedelta(days=1 + 4 * (n - 1))
    hour, minute = 9 + (n * 5) % 9, (n * 13) % 60
    d = datetime.datetime(day.year, day.month, day.day, hour, minute)
    return "{}, {:02d} {} {} {:02d}:{:02d}:00 {}".format(
        ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d.weekday()], d.day,
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.month - 1],
        d.year, d.hour, d.minute, ZONES[m["lang"]])


def truth_body(m):
    """The text the sender saw, NFC, LF line ends."""
    if m.get("html"):
        return "\n\n".join(m["body"]) + "\n"
    body = m["body"]
    if m.get("wrap", True):
        body = wrap_body(body)
    elif not body.endswith("\n"):
        body += "\n"
    return nfc(body)


def encode_text(m, text):
    codec = m["codec"]
    if m.get("nfd"):
        text = unicodedata.normalize("NFD", text)
    data = enc_cp1258(text) if codec == "cp1258" else text.encode(codec)
    return m.get("bom", b"") + data


def html_document(m):
    title = html.escape(m["subject"], quote=False)
    lines = ["<!DOCTYPE html>", "<html>", "<head>", m["html"], "<title>" + title + "</title>",
             "</head>", "<body>"]
    lines += ["<p>" + html.escape(p, quote=False) + "</p>" for p in m["body"]]
    lines += ["</body>", "</html>", ""]
    return "\n".join(lines)


def body_part(m):
    """(Content-Type value, Content-Transfer-Encoding, body bytes)."""
    cte = m["cte"]
    if m.get("html"):
        return "text/html", cte, encode_text(m, html_document(m))
    ctype = "text/plain"
    if m["label"] is not None:
        label = '"' + m["label"] + '"' if m.get("quote_label") else m["label"]
        ctype += "; charset=" + label
    if m.get("flowed"):
        ctype += "; format=flowed" + ("; delsp=yes" if m["flowed"] == "delsp" else "")
    text = truth_body(m)
    if m.get("flowed"):
        text = flowed_encode(text.rstrip("\n"), delsp=m["flowed"] == "delsp") + "\n"
    if cte in ("base64", "base64-noisy"):
        data = encode_text(m, text.replace("\n", "\r\n"))
        return ctype, "base64", (b64_noisy(data) if cte == "base64-noisy" else b64_lines(data)).encode("ascii")
    data = encode_text(m, text)
    if cte == "quoted-printable":
        return ctype, cte, qp_encode(data.rstrip(b"\n")) + b"\n"
    if cte == "qp-torture":
        return ctype, "quoted-printable", qp_encode(data.rstrip(b"\n"), lower=True, stray_eq=True) + b"\n"
    return ctype, cte, data


def build(m):
    hdrs = []
    # From
    if m.get("from_raw"):
        hdrs.append(m["from_raw"].encode("ascii"))
    elif m.get("raw_headers"):
        hdrs.append("From: {} <{}>".format(m["sender"], m["addr"]).encode(m["raw_headers"]))
    else:
        spec = m.get("from_spec", UTF8Q if not m["sender"].isascii() else None)
        if m["sender"].isascii() and spec is not None and spec[2] is not _nfd:
            spec = None
        hdrs.append(header_from(m["sender"], m["addr"], spec).encode("ascii"))
    hdrs.append("To: {}".format(TO).encode("ascii"))
    # Subject
    if m.get("subj_raw"):
        hdrs.append(m["subj_raw"].encode("ascii"))
    elif m.get("raw_headers"):
        hdrs.append("Subject: {}".format(m["subject"]).encode(m["raw_headers"]))
    elif m.get("raw_subject"):
        hdrs.append("Subject: {}".format(m["subject"]).encode(m["raw_subject"]))
    else:
        spec = m.get("subj_spec", UTF8Q)
        if m["subject"].isascii() and (spec is None or spec[2] is not _nfd):
            spec = None
        hdrs.append(header_text("Subject", m["subject"], spec).encode("ascii"))
    hdrs.append("Date: {}".format(date_header(m)).encode("ascii"))
    hdrs.append("Message-ID: <{}>".format(msg_id(m)).encode("ascii"))
    hdrs.append(b"MIME-Version: 1.0")
    ctype, cte, body = body_part(m)
    if m.get("attachment"):
        boundary = "=_cs-{:03d}_part".format(number(m))
        hdrs.append('Content-Type: multipart/mixed; boundary="{}"'.format(boundary).encode("ascii"))
        parts = [
            "--" + boundary,
            "Content-Type: " + ctype,
            "Content-Transfer-Encoding: " + cte,
            "",
        ]
        out = b"\n".join(hdrs) + b"\n\n" + "\n".join(parts).encode("ascii") + b"\n" + body
        att = ["", "--" + boundary, "Content-Type: application/pdf", m["disposition"],
               "Content-Transfer-Encoding: base64", "", b64_lines(MINI_PDF).rstrip("\n"),
               "--" + boundary + "--", ""]
        return out + "\n".join(att).encode("ascii")
    hdrs.append(("Content-Type: " + ctype).encode("ascii"))
    hdrs.append(("Content-Transfer-Encoding: " + cte).encode("ascii"))
    return b"\n".join(hdrs) + b"\n\n" + body


def body_picks(m):
    if m.get("pick"):
        return m["pick"]
    if m.get("html"):
        paras = m["body"]
        with_word = [p for p in paras if matches(m["search"], p)]
        longest = max(paras, key=len)
        return list(dict.fromkeys(with_word[:1] + [longest]))
    lines = [l for l in truth_body(m).split("\n") if l.strip()]
    with_word = [l for l in lines if matches(m["search"], l)][:1]
    non_ascii = max(lines, key=lambda l: (sum(1 for c in l if ord(c) > 127), len(l)))
    return list(dict.fromkeys(with_word + [non_ascii]))


def searches(m):
    w = m["search"]
    return list(dict.fromkeys([w, strip_accents(w)]))


def expectations():
    out = []
    for m in MESSAGES:
        out.append({
            "file": "charsets/" + file_name(m),
            "message_id": msg_id(m),
            "declared": m["label"] or "",
            "subject": nfc(m["subject"]),
            "from_name": nfc(m["sender"]),
            "body": body_picks(m),
            "attachments": [m["attachment"]] if m.get("attachment") else [],
            "search": searches(m),
        })
    by_slug = {m["slug"]: m for m in MESSAGES}
    out.append({"queries": [{"q": q, "hits": sorted(msg_id(by_slug[s]) for s in hits)}
                            for q, hits, _ in QUERIES]})
    return out


def json_bytes():
    return (json.dumps(expectations(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def generate():
    assert len({m["slug"] for m in MESSAGES}) == len(MESSAGES)
    return {file_name(m): build(m) for m in MESSAGES}


def write():
    files = generate()
    if OUT_DIR.exists():
        shutil.rmtree(OUT_DIR)
    OUT_DIR.mkdir(parents=True)
    for name, data in files.items():
        (OUT_DIR / name).write_bytes(data)
    JSON_PATH.write_bytes(json_bytes())
    print("wrote {} messages to {} and {}".format(len(files), OUT_DIR.relative_to(ROOT),
                                                 JSON_PATH.relative_to(ROOT)))


# --------------------------------------------------------------------------
# Checking

class Checker:
    def __init__(self):
        self.errors = []
        self.notes = []

    def ok(self, cond, what):
        if not cond:
            self.errors.append(what)
        return cond


EW_RE = re.compile(r"=\?([^?]+)\?([QqBb])\?([^?]*)\?=")
LABEL_CODEC = {"x-unknown": "utf-8"}  # the bytes behind the unknown label are UTF-8


def manual_header(raw, codec_for_label, raw_codec="ascii"):
    """Decodes a header value by hand: encoded words (adjacent words of the
    same charset have their bytes joined before decoding, whitespace between
    encoded words dropped) and raw 8-bit text in raw_codec."""
    value = raw.decode(raw_codec)
    out, pos, pending, pending_cs = [], 0, b"", None

    def flush():
        nonlocal pending, pending_cs
        if pending_cs is not None:
            out.append(pending.decode(codec_for_label(pending_cs)))
        pending, pending_cs = b"", None

    for mo in EW_RE.finditer(value):
        between = value[pos:mo.start()]
        if between.strip() or pending_cs is None:
            flush()
            out.append(between)
        cs, kind, text = mo.group(1), mo.group(2).upper(), mo.group(3)
        if kind == "B":
            data = base64.b64decode(text + "=" * (-len(text) % 4))
        else:
            data = binascii.a2b_qp(text.replace("_", " ").encode("ascii"))
        if pending_cs is not None and pending_cs.lower() != cs.lower():
            flush()
        pending_cs = cs
        pending += data
        pos = mo.end()
    flush()
    out.append(value[pos:])
    return nfc("".join(out))


def split_message(data):
    head, _, body = data.partition(b"\n\n")
    fields = {}
    for line in re.split(rb"\n(?![ \t])", head):
        name, _, value = line.partition(b":")
        fields[name.decode("ascii").lower()] = re.sub(rb"\n[ \t]", b" ", value).strip()
    return fields, body


class PText(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.paras, self.cur = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self.cur = ""

    def handle_endtag(self, tag):
        if tag == "p" and self.cur is not None:
            self.paras.append(self.cur)
            self.cur = None

    def handle_data(self, d):
        if self.cur is not None:
            self.cur += d


def decode_cte(cte, body):
    cte = cte.lower()
    if cte == "base64":
        clean = re.sub(rb"[^A-Za-z0-9+/]", b"", body)
        return base64.b64decode(clean + b"=" * (-len(clean) % 4))
    if cte == "quoted-printable":
        return binascii.a2b_qp(body)
    return body


def manual_body(m, data):
    """The body decoded by hand with the codec the generator used."""
    fields, body = split_message(data)
    cte = fields.get("content-transfer-encoding", b"7bit").decode()
    if m.get("attachment"):
        boundary = re.search(rb'boundary="([^"]+)"', fields["content-type"]).group(1)
        first = body.split(b"--" + boundary + b"\n")[1]
        pf, pbody = split_message(first)
        cte = pf["content-transfer-encoding"].decode()
        body = pbody[:-1] if pbody.endswith(b"\n") else pbody
    raw = decode_cte(cte, body)
    text = raw.decode(m["codec"]) if m["codec"] != "cp1258" else raw.decode("cp1258")
    text = nfc(text.lstrip("\ufeff")).replace("\r\n", "\n")
    if m.get("flowed"):
        text = unflow(text, m["flowed"] == "delsp")
    if m.get("html"):
        p = PText()
        p.feed(text)
        return "\n\n".join(nfc(x) for x in p.paras) + "\n"
    return text


def python_view(m, data):
    """What Python's email package decodes: (subject, from name, body, attachments)."""
    msg = email.message_from_bytes(data, policy=email.policy.default)
    subject = nfc(str(msg["subject"]))
    name = nfc(msg["from"].addresses[0].display_name)
    part = msg.get_body(preferencelist=("plain", "html"))
    try:
        body = part.get_content()
        body = nfc(body.lstrip("\ufeff")).replace("\r\n", "\n")
        if m.get("html"):
            p = PText()
            p.feed(body)
            body = "\n\n".join(nfc(x) for x in p.paras) + "\n"
    except LookupError as e:
        body = "<LookupError {}>".format(e)
    atts = [a.get_filename() for a in msg.iter_attachments()]
    return subject, name, body, atts


def check():
    ck = Checker()
    files = generate()
    exp = expectations()
    on_disk = sorted(p.name for p in OUT_DIR.iterdir()) if OUT_DIR.is_dir() else []
    ck.ok(on_disk == sorted(files), "data/charsets/ holds other files than the generator writes")
    for name, data in files.items():
        p = OUT_DIR / name
        ck.ok(p.is_file() and p.read_bytes() == data, name + ": differs from the generator's bytes")
    ck.ok(JSON_PATH.is_file() and JSON_PATH.read_bytes() == json_bytes(),
          "tests/e2e/charsets.json differs from the generator's")
    ck.ok(len(MESSAGES) >= 44, "fewer than 44 messages")

    days = {}
    py_used, manual_only = [], []
    for m, e in zip(MESSAGES, exp):
        name, data = file_name(m), files[file_name(m)]
        where = name + ": "
        truth = truth_body(m)
        # --- bytes and headers
        ck.ok(b"\r" not in data, where + "CR in the file")
        fields, body = split_message(data)
        for f in ("from", "to", "subject", "date", "message-id", "mime-version", "content-type"):
            ck.ok(f in fields, where + "no " + f)
        head = data.partition(b"\n\n")[0]
        for line in head.split(b"\n"):
            ck.ok(len(line) <= 78, where + "header line over 78 bytes: %r" % line[:40])
            if not (m.get("raw_headers") or m.get("raw_subject")):
                ck.ok(line.isascii(), where + "non-ASCII header line")
        for line in data.split(b"\n"):
            ck.ok(len(line) <= 998, where + "line over 998 bytes")
        ck.ok(fields["message-id"] == ("<" + msg_id(m) + ">").encode(), where + "Message-ID")
        dt = email.utils.parsedate_to_datetime(fields["date"].decode()).astimezone(datetime.timezone.utc)
        ck.ok(dt.year == 2018, where + "not in 2018 (UTC)")
        ck.ok(dt.date() not in days, where + "same UTC day as " + days.get(dt.date(), ""))
        days[dt.date()] = name
        ck.ok(len(body) >= 200, where + "body under 200 bytes")
        # --- the truth
        for t in [m["subject"], m["sender"], truth] + ([m["attachment"]] if m.get("attachment") else []):
            ft = fold(t)
            for w in BANNED:
                ck.ok(w not in ft, where + "banned word " + w)
            for w in BANNED_TOKENS:
                ck.ok(not any(tok.startswith(w) for tok in tokens(t)), where + "banned token " + w)
        low = data.lower()
        for w in BANNED:
            ck.ok(w.encode() not in low, where + "banned word in the raw bytes: " + w)
        sentences = len(re.findall(r"[.!?。！？]", truth))
        ck.ok(sentences >= 2 or m["lang"] == "th", where + "fewer than 2 sentences")
        if m.get("no_c1"):
            ck.ok(not any(0x80 <= b <= 0x9F for b in body), where + "byte in 0x80-0x9F")
            ck.ok(len({body.decode(c) for c in ("latin-1", "cp1252", "iso8859-15")}) == 1,
                  where + "ISO-8859-1, windows-1252 and ISO-8859-15 disagree on these bytes")
        if m["slug"] == "label-latin1-bytes-cp1252":
            ck.ok(all(bytes([b]) in body for b in (0x80, 0x93, 0x94, 0x9C)), where + "missing 0x80/0x93/0x94/0x9C")
        if m["slug"] == "wronglabel-utf8-is-cp1252":
            try:
                body.decode("utf-8")
                ck.ok(False, where + "cp1252 bytes happen to be valid UTF-8")
            except UnicodeDecodeError:
                pass
        if m.get("not_in"):
            try:
                truth.encode(m["not_in"])
                ck.ok(False, where + "text fits in " + m["not_in"])
            except UnicodeEncodeError:
                pass
        if m["codec"] == "cp1258":
            ck.ok(any(unicodedata.combining(c) for c in body.decode("cp1258")),
                  where + "no combining tone mark in the windows-1258 bytes")
        if m.get("nfd"):
            ck.ok(body.decode("utf-8") != nfc(body.decode("utf-8")), where + "body is not decomposed")
        if m["codec"] == "iso2022_jp":
            for line in body.split(b"\n"):
                if b"\x1b" in line:
                    ck.ok(line.endswith(b"\x1b(B"), where + "ISO-2022-JP line not back in ASCII")
            ck.ok(body.isascii(), where + "ISO-2022-JP body is not 7-bit")
        if m["cte"] in ("7bit",):
            ck.ok(body.isascii(), where + "7bit body is not ASCII")
        if m.get("flowed"):
            raw = body.decode("utf-8").split("\n")
            ck.ok(sum(1 for l in raw if l.endswith(" ")) >= 2, where + "no soft line breaks")
            if m["flowed"] == "yes":
                ck.ok(" From Monday on, please sign the sheet at the door when you take a box out." in raw,
                      where + "no space-stuffed From line")
                soft = [i for i, l in enumerate(raw) if l.endswith(" ")]
                ck.ok(len(soft) == 2 and soft[1] == soft[0] + 1, where + "the paragraph is not 3 lines")
            else:
                ck.ok("Llanfairpwllgwyngyll " in raw, where + "long word not split")
        # --- JSON entry
        ck.ok(e["file"] == "charsets/" + name and e["message_id"] == msg_id(m), where + "JSON file/id")
        ck.ok(e["subject"] == nfc(e["subject"]) and e["from_name"] == nfc(e["from_name"]), where + "JSON not NFC")
        truth_lines = truth.split("\n")
        for b in e["body"]:
            ck.ok(b == b.strip() and b, where + "body entry with spaces around it")
            ck.ok(b in truth_lines, where + "body entry is not a whole line of the truth: " + b[:40])
        for w in e["search"]:
            ck.ok(matches(w, truth), where + "search word not in the body: " + w)
        # --- Python's decoding, and a hand decoding with the codec used
        py_subject, py_name, py_body, py_atts = python_view(m, data)
        man_body = manual_body(m, data)
        ck.ok(man_body == truth, where + "hand-decoded body differs from the truth:\n%r\n%r" % (man_body[:300], truth[:300]))
        codec_for = lambda cs: LABEL_CODEC.get(cs.lower(), "cp1258" if cs.lower() == "windows-1258" else cs)
        raw_codec = m.get("raw_headers") or m.get("raw_subject") or "ascii"
        man_subject = manual_header(fields["subject"], codec_for, raw_codec)
        ck.ok(man_subject == nfc(m["subject"]), where + "hand-decoded subject %r" % man_subject)
        from_raw = fields["from"]
        name_raw = from_raw[:from_raw.rindex(b"<")].strip()
        if name_raw.startswith(b'"') and name_raw.endswith(b'"'):
            name_raw = name_raw[1:-1]
        man_name = manual_header(name_raw, codec_for, m.get("raw_headers") or "ascii")
        ck.ok(man_name == nfc(m["sender"]), where + "hand-decoded name %r" % man_name)
        for what, py_val, want, flag in (("subject", py_subject, e["subject"], "py_subject"),
                                         ("from name", py_name, e["from_name"], "py_from"),
                                         ("body", py_body, truth, "py_body")):
            expect_python = m.get(flag, True)
            same = py_val == want
            if expect_python:
                ck.ok(same, where + "Python decodes the %s differently: %r" % (what, py_val[:200]))
                py_used.append((name, what))
            else:
                ck.ok(not same, where + "Python decodes the %s after all; drop %s=False" % (what, flag))
                manual_only.append((name, what))
        ck.ok(py_atts == e["attachments"], where + "attachments %r" % py_atts)
        for b in e["body"]:
            ck.ok(b in (py_body if m.get("py_body", True) else man_body), where + "body entry not decoded")

    # --- names and addresses never hold a query word; queries hit exactly
    by_slug = {m["slug"]: m for m in MESSAGES}
    for q, hits, mode in QUERIES:
        got = sorted(m["slug"] for m in MESSAGES
                     if matches(q, m["subject"] + "\n" + truth_body(m), mode))
        ck.ok(got == sorted(hits), "query %s: the truth texts give %s" % (q, got))
        for m in MESSAGES:
            ck.ok(not matches(q, m["sender"] + " " + m["addr"] + " " + TO, mode),
                  "query %s matches a name or address in %s" % (q, m["slug"]))
    q = exp[-1]["queries"]
    need = {"élysée", "elysee", "ELYSÉE", "candidat", "meeting", "北京", "東京", "서울"}
    ck.ok(need <= {x["q"] for x in q}, "a required query is missing")

    for e in ck.errors:
        print("FAIL:", e)
    print("{} messages; Python's email package checked {} values; {} values checked by hand only:".format(
        len(MESSAGES), len(py_used), len(manual_only)))
    for name, what in manual_only:
        print("   {}: {}".format(name, what))
    print("OK" if not ck.errors else "{} failures".format(len(ck.errors)))
    return not ck.errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="verify, write nothing")
    args = ap.parse_args()
    if args.check:
        sys.exit(0 if check() else 1)
    write()


if __name__ == "__main__":
    main()
