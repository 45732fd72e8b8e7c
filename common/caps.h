/* caps.h - every limit leakdex enforces, each with the reason it exists. */
#ifndef LX_CAPS_H
#define LX_CAPS_H

/* A single source file larger than this is reported and skipped: leakdex maps
 * whole files, and a 4 GiB mbox is better split first. */
#define LX_MAX_SOURCE_BYTES ((size_t)4 << 30)

/* One message larger than this (after mbox splitting) is reported and
 * skipped: no real mail is that large, and GMime holds it in memory. */
#define LX_MAX_MESSAGE_BYTES ((size_t)256 << 20)

/* Bytes of one header field (folded lines included) given to the MIME
 * parser; the rest is cut and noted. A 100 MB Subject or a million
 * recipients must not cost gigabytes. Identity and DKIM use the full bytes. */
#define LX_MAX_HEADER_FIELD ((size_t)1 << 20)

/* Body text kept per message, in bytes: enough for any letter, bounded so
 * that a binary blob mislabelled text/plain cannot bloat the index. */
#define LX_MAX_BODY_TEXT ((size_t)8 << 20)

/* MIME nesting followed when looking for body text; deeper parts are
 * ignored (hostile messages nest thousands deep). */
#define LX_MAX_MIME_DEPTH 64

/* MIME leaves described per message; the rest are counted, not listed. */
#define LX_MAX_PARTS 10000

/* What GMime is given of one message. It builds the whole MIME tree in
 * memory before anything can be counted: about 1.4 KB for an empty part (a
 * 100 MB message of empty parts would take 14 GB) and 500 bytes for a
 * header field, a parameter or an address (2 million empty fields in 6 MB
 * took 1 GB, 2 million parameters in 10 MB 860 MB). So the message is
 * scanned first, line by line, and given to GMime only up to the line where
 * it would pass one of these; the rest is not parsed (the message is
 * indexed with what comes before, and a note says so; its identity and
 * DKIM use every byte). Parts are counted as the lines that start with
 * "--" and do not end with one (every part starts with such a line; which
 * of them are boundaries is not trusted, so a few more are counted); twice
 * LX_MAX_PARTS, so that the parts past those listed are still counted.
 * Header items are counted as the field lines, ';' and ',' of every header
 * block (the message's, its parts', its attached messages'): a To and a Cc
 * of 1 MiB each (LX_MAX_HEADER_FIELD) fit. */
#define LX_MAX_MIME_PARTS_PARSED 20000
#define LX_MAX_HEADER_ITEMS 200000

/* Bytes of an HTML part searched for a <meta charset> when MIME gives none
 * (browsers look in the first 1024; some mailers put a long <head> first). */
#define LX_META_CHARSET_SCAN 4096

/* 8-bit bytes handed to uchardet to guess the charset of raw 8-bit headers:
 * plenty for a guess, bounded for a huge message. */
#define LX_GUESS_SAMPLE_BYTES ((size_t)64 << 10)

/* Addresses kept per recipient header; the rest are counted, not stored. */
#define LX_MAX_ADDRESSES 10000

/* Directory depth of the source walk: deeper trees are reported. */
#define LX_MAX_WALK_DEPTH 256

/* Xapian refuses terms longer than 245 bytes; boolean terms are cut to this
 * many bytes (at a UTF-8 boundary) before they are added. */
#define LX_MAX_TERM_BYTES 240

/* The length of a short id printed in hit lists: 12 hex digits of SHA-256. */
#define LX_SHORT_ID_LEN 12

/* The shortest id prefix `show` accepts. */
#define LX_MIN_ID_PREFIX 6

/* Stored copies a new message sharing their Message-ID is compared with and
 * linked to ("copy"/"conflict"): a Message-ID found thousands of times (list
 * traffic, backups of backups) must not make indexing quadratic. */
#define LX_MAX_COPY_LINKS 50

/* Shards an index can be split into (leakdex-index --shard I/N): far more
 * machines than anyone runs, small enough that a typo is caught. */
#define LX_MAX_SHARDS 4096

/* Bytes of a Message-ID read to choose a message's shard; a longer one is
 * cut (the same way every time, so the shard is stable). */
#define LX_SHARD_MAX_ID 1024

/* Databases one search may combine (--db given several times, the lines of
 * stub files): one per shard, with room to spare. */
#define LX_MAX_DATABASES 4096

/* Stub files naming stub files: deeper nesting is refused (a stub naming
 * itself would otherwise never end). */
#define LX_MAX_STUB_DEPTH 8

/* Times a read starts over on a newer revision when an indexer's commit
 * discarded the one it was reading (a pause of 1, 2, 4... ms before each,
 * 0.5 s in all): searching during indexing answers, and a truly damaged
 * index is still reported, after that half second. */
#define LX_DB_READ_RETRIES 9

/* Times an export (--export, --export-dir) starts over when the index
 * changed while it was written: its description and its hits come from one
 * revision, and an indexer committing faster than the export can be written
 * would keep it going forever. Past this, the export fails and says so. */
#define LX_EXPORT_RESTARTS 8

/* Temporary names tried for a file being written (NAME.XXXXXXXX.tmp, 32
 * random bits each): a clash at all means names are being planted. */
#define LX_NEWFILE_NAME_TRIES 16

/* Originals of one --export-dir named alike (one date, ids that start
 * alike): DATE_ID.eml, then DATE_ID-2.eml... up to this many. */
#define LX_EXPORT_NAME_TRIES 1000

/* Documents written between two commits of the index. Smaller batches keep
 * Xapian's in-memory change buffers small: 10,000 synthetic messages index in
 * 92 s with 500, 96 s with 1,000, 104 s with 2,000, 137 s with 10,000 (peak
 * RSS 172, 248, 394, 1,583 MB); 1,000 leaves room for larger archives. */
/* A run that added at least this percentage of the index's documents
 * rewrites it compactly at the end (xapian-compact's full compaction:
 * about half the size; 1.2 s for 10,000 messages). Smaller runs leave it:
 * compacting costs time in proportion to the whole index. */
#define LX_COMPACT_SHARE 20

#define LX_COMMIT_BATCH 1000

/* Messages in flight between the indexer's main thread and its workers:
 * this many per worker, and their canonical bytes under LX_INFLIGHT_BYTES
 * (one message is always let through, up to LX_MAX_MESSAGE_BYTES); the
 * messages a worker has finished and the main thread has not yet written
 * hold at most LX_INFLIGHT_BYTES too (their bytes, text and documents, as
 * estimated; the oldest is always processed). The indexer's memory does
 * not grow with the archive, nor with a run of messages of 64 MiB of
 * attachment text each behind a slow one. */
#define LX_INFLIGHT_PER_WORKER 8

/* A run that adds many messages (to an empty index, or at least a fifth of
 * the bytes already indexed) with worker threads writes them as segments:
 * the messages cut, in input order, into chunks of this many documents or
 * bytes (whichever first), each written into a database of its own by one
 * of at most LX_SEGMENT_WRITERS threads, all merged in order at the end.
 * The documents the writers have not yet taken hold at most
 * LX_INFLIGHT_BYTES (as estimated). */
#define LX_SEGMENT_DOCS 2000
#define LX_SEGMENT_BYTES ((size_t)64 << 20)
#define LX_SEGMENT_WRITERS 4
#define LX_SEGMENT_SHARE 5
#define LX_INFLIGHT_BYTES ((size_t)128 << 20)

/* Nice value a worker thread adds to its own (Linux schedules threads, so
 * it is per thread). The indexer's main thread, which alone writes the
 * index, is its bottleneck; when the workers and it want more cores than
 * there are, it should not wait behind them: on 2 cores, 10,000 benchmark
 * messages index in 37.9 s against 42.2 s at the default priority (three
 * runs of each, alternating); the main thread's time waiting for a core
 * fell from 5.3 s to 2.1 s. */
#define LX_WORKER_NICE 10

/* Attachment text kept per message for snippets (LX_F_EXCERPTS;
 * all of it is indexed): the start of each file's text up to the first
 * cap, all files together up to the second. Xapian stores values
 * uncompressed; a hit found only past these shows the start of its subject
 * and body, as a snippet always did before. A text of a few pages fits. */
#define LX_MAX_EXCERPT_BYTES ((size_t)128 << 10)
#define LX_MAX_EXCERPTS_BYTES ((size_t)512 << 10)

/* A page of at most this many hits has its data read by the search itself,
 * inside its retry when the index changes (a web page while the index is
 * re-indexed and replaced); a longer list reads each hit's data as it is
 * printed, so its memory does not grow with its length. */
#define LX_HITS_DATA_WITH_SEARCH 256

/* Bytes of a hit's subject and body, and of its attachments' text, that
 * its snippet reads at most: a hit list's cost per hit stays bounded
 * whatever a message's size. A match only further on is not marked: the
 * snippet is then the start of the subject and body, as for a hit found
 * past the excerpts. Sixteen KiB is four pages of a letter. */
#define LX_SNIPPET_SCAN ((size_t)16 << 10)

/* References kept per message for threading: the first (the thread's root)
 * and the last ones (the nearest ancestors). Hostile headers list thousands. */
#define LX_MAX_THREAD_REFS 100

/* A reply without In-Reply-To or References ("Re: ..." from a broken client)
 * joins the thread of the latest earlier message with the same subject and a
 * shared correspondent sent at most this many days before it... */
#define LX_THREAD_SUBJECT_DAYS 30

/* ...among at most this many earlier messages with that subject, so that a
 * subject shared by thousands of messages cannot make threading quadratic. */
#define LX_THREAD_SUBJECT_LOOKBACK 200

/* A parent id claimed by at least this many messages is checked for
 * strangers (unrelated groups of messages tied together by a reused or
 * invented id: lx_thread_pass); two claimants are too few to tell such an id
 * from a parent answered twice by people who changed the subject and wrote
 * to nobody in common, which happens. */
#define LX_THREAD_STRANGER_CLAIMS 3

/* A thread id: 16 hex digits of SHA-256, as the index stores them. */
#define LX_THREAD_HEX 16

/* Reply levels the thread command indents; deeper replies line up there. */
#define LX_MAX_THREAD_INDENT 16

/* Chain corroboration. Words of one message compared with a quote (and
 * words of one quoted part): a message longer than this is not compared at
 * all, so that corroboration never rests on part of a text; a longer quoted
 * part is cut. Lines of one body scanned for quotes: bounds hostile bodies
 * of millions of empty lines. */
#define LX_CHAIN_MAX_WORDS 20000
#define LX_CHAIN_MAX_LINES 100000

/* Fewer words than this are never corroborated: "OK." or "Merci !" is
 * found in any quote. */
#define LX_CHAIN_MIN_WORDS 5

/* Default share of a message's words that must be found quoted (percent):
 * room for a trimmed greeting or signature, never for changed words. */
#define LX_CHAIN_THRESHOLD 90

/* Candidates for one verified quoting message: the unverified messages of
 * its thread (the latest this many)... */
#define LX_CHAIN_THREAD_CANDIDATES 50

/* ...and the best matches of a search for the rarest words of its quote
 * (this many words, this many matches): a forward rarely keeps thread
 * links. Bounded so the pass stays linear in the archive's size. */
#define LX_CHAIN_RARE_TERMS 8
#define LX_CHAIN_TERM_CANDIDATES 10

/* Distinct words of one quote whose frequency is looked up to find its
 * rarest: enough to find rare names and numbers, bounded for long quotes. */
#define LX_CHAIN_LOOKUP_WORDS 300

/* Verified messages recorded per corroborated message (the best first): a
 * message quoted by thousands must not grow its document without bound. */
#define LX_CHAIN_MAX_FINDINGS 50

/* Header blocks and attributions kept per quoted part. */
#define LX_CHAIN_MAX_BLOCKS 256

/* Occurrences of one 4-word sequence tried when aligning: repeated
 * boilerplate must not make alignment quadratic. */
#define LX_CHAIN_MAX_TRIES 32
/* ---- queries ------------------------------------------------------------ */

/* Bytes of one query and its words (what spaces and parentheses separate,
 * operators included), checked before Xapian's parser sees it. A reporter's
 * longest queries, a list of names joined by OR, are a few hundred words;
 * Xapian's cost grows faster than the query's length (a 10,000-word OR
 * took 45 s), so a generated query of thousands of words is refused. */
#define LX_MAX_QUERY_BYTES ((size_t)16 << 10)
#define LX_MAX_QUERY_WORDS 1000

/* Index terms the wildcards of one query may expand to, together (budg*
 * stands for every word that starts with budg, in each field free words
 * search). Xapian joins them in one OR whose cost grows with the square of
 * their number: a* over 200,000 words took 98 s. */
#define LX_MAX_WILDCARD_TERMS 10000

/* Seconds of processor time one query may use (the search, count or scan
 * of the index, not the printing); leakdex-search then stops with a
 * one-line message and exit status 2 (--query-timeout changes it). The
 * limits above keep the queries that cost the most far under it; this is
 * for what they cannot foresee. Processor time, so that a busy machine
 * never stops a cheap query. */
#define LX_QUERY_SECONDS 10

/* ---- leakdex-web ------------------------------------------------------------ */

/* Bytes of a request's target (path and query string, as sent): a query of
 * LX_MAX_QUERY_BYTES, every byte percent-encoded, fits; longer is 414. */
#define LX_WEB_MAX_TARGET_BYTES ((size_t)64 << 10)
/* Memory libmicrohttpd gives one connection for its request line and
 * headers: above the target's limit, so that leakdex-web (with its headers)
 * answers a long target, not the library. */
#define LX_WEB_CONNECTION_MEMORY ((size_t)256 << 10)
/* Bytes of a request body: only the login form has one. */
#define LX_WEB_MAX_BODY_BYTES ((size_t)4 << 10)
/* Hits, people or messages one API page may ask for (limit=): a page is
 * printed whole in memory before it is sent. */
#define LX_WEB_MAX_PAGE 1000
/* Connections at once, in all, and from one address. */
#define LX_WEB_MAX_CONNECTIONS 256
#define LX_WEB_MAX_PER_ADDRESS 64
/* Seconds a connection may stay idle (a client that sends nothing, or
 * reads nothing, is dropped). */
#define LX_WEB_IDLE_SECONDS 30
/* Worker threads by default (--threads), and at most. */
#define LX_WEB_THREADS 4
#define LX_WEB_MAX_THREADS 64
/* A response body larger than this goes through an unlinked temporary
 * file rather than memory while a slow client reads it. */
#define LX_WEB_MEMORY_BODY ((size_t)1 << 20)
/* Answers that count over every match (facets, stats, senders,
 * recipients) kept per target and index revision: how many, and their
 * bytes in all (one answer at most a quarter of it). */
#define LX_WEB_CACHE_ENTRIES 64
#define LX_WEB_CACHE_BYTES ((size_t)32 << 20)

/* ---- archives given as sources (a leak handed over as a zip) ---------------- */

/* Members read from one source archive: a leak of a million messages in one
 * zip is real, a zip of a hundred million empty files is an attack. The
 * members past it are reported, not read. */
#define LX_SOURCE_ARCHIVE_MAX_MEMBERS 1000000

/* Bytes of one member of a source archive: it is held in memory while it is
 * read (an mbox or a PST needs all of it), so the bound is memory. A larger
 * member is reported with its location, not read. */
#define LX_SOURCE_MEMBER_MAX_BYTES ((size_t)2 << 30)

/* Bytes a source archive may unpack to per byte of itself, and the floor
 * under which none is stopped: the attachments' zip-bomb rule
 * (LX_ATTACH_MAX_RATIO). Mail compresses 3 to 10 times. The same ratio
 * bounds every archive inside one source file together, per byte of that
 * file (a nested bomb keeps each archive under the ratio, not the tree). */
#define LX_SOURCE_ARCHIVE_MAX_RATIO 100
#define LX_SOURCE_ARCHIVE_RATIO_FLOOR ((size_t)1 << 20)

/* Archives opened inside a source archive (a zip in a tgz in a zip...);
 * deeper ones are reported, not opened. */
#define LX_SOURCE_ARCHIVE_MAX_DEPTH 6

/* ---- attachments (defaults; each is also an indexer option) ---------------- */

/* Bytes of one attachment (or archive member) examined: larger ones are
 * listed (name, type, size) but neither hashed nor read, nor unpacked
 * (--attach-max-bytes). */
#define LX_ATTACH_MAX_BYTES ((size_t)64 << 20)

/* Extracted text kept per attachment; the rest is cut and the attachment
 * marked "truncated" (--attach-max-text): a 2,000-page PDF must not bloat
 * the index. */
#define LX_ATTACH_MAX_TEXT ((size_t)4 << 20)

/* Containers opened inside containers (a ZIP in a forwarded message in a
 * winmail.dat...); deeper ones are listed, not opened (--attach-max-depth). */
#define LX_ATTACH_MAX_DEPTH 6

/* Members read from one archive; the rest are not listed
 * (--attach-max-members): a ZIP of a million empty files is an attack. */
#define LX_ATTACH_MAX_MEMBERS 1000

/* Bytes an archive may unpack to per byte of itself (--attach-max-ratio):
 * a zip bomb unpacks to thousands of times its size; real archives of
 * documents rarely reach 20. The same ratio bounds every archive inside a
 * MIME attachment together, at every depth, per byte of that attachment: a
 * nested bomb (a 19 KB zip of 16 zips of 16 zips... of 1 MiB texts, 64 GiB
 * in all) keeps each archive under the ratio but not the tree. Archives
 * unpacking to less than LX_ATTACH_RATIO_FLOOR are never stopped by the
 * ratio. */
#define LX_ATTACH_MAX_RATIO 100
#define LX_ATTACH_RATIO_FLOOR ((size_t)1 << 20)

/* Text kept from one MIME attachment and every file inside it
 * (--attach-max-tree-text), and from all the attachment files of one
 * message (--attach-max-message-text). Identical files count every time
 * they appear (they are read once, from the run's cache, but their text is
 * indexed every time). A message's text lives in memory until its document
 * is written, and eight messages per worker are in flight: without these,
 * a few thousand copies of one 4 MiB text in a message would be gigabytes.
 * A zip of a hundred long documents fits; past the first, files are listed
 * (hash, type) with the status "limit", and one message's big attachment
 * leaves room for the text of its other attachments. */
#define LX_ATTACH_MAX_TREE_TEXT ((size_t)32 << 20)
#define LX_ATTACH_MAX_MESSAGE_TEXT ((size_t)64 << 20)

/* Seconds one extraction may take in its helper process
 * (--attach-timeout); the helper's CPU limit is the same. */
#define LX_ATTACH_TIMEOUT 30

/* Address space of an extraction helper process: a PDF that asks poppler
 * for 50 GB fails alone instead of swapping the machine. */
#define LX_ATTACH_HELPER_MEMORY ((size_t)2 << 30)

/* OCR of scans (issue 28), as the indexer asks for it. Seconds one
 * document read by OCR may take in the helper (--ocr-timeout): each page
 * has its own deadline (LX_OCR_PAGE_SECONDS), and their sum over
 * LX_OCR_MAX_PAGES pages is capped by this, so that a 500-page fax stops
 * in ten minutes rather than eight hours. */
#define LX_OCR_TIMEOUT 600

/* Bytes of the header line a helper's OCR or probe answer starts with
 * (the OCR header may end with the reason pages were skipped). */
#define LX_OCR_HEADER_MAX 512

/* Where Tesseract's language data is (its own default when
 * TESSDATA_PREFIX is not set, as Debian builds it): --ocr-lang checks each
 * language's LANG.traineddata there before the run starts. */
#define LX_OCR_TESSDATA "/usr/share/tesseract-ocr/5/tessdata"

/* Attachments (nested ones included) listed per message; the rest are
 * counted, not listed. */
#define LX_ATTACH_MAX_PER_MESSAGE 10000

/* Extracted texts kept in memory for attachments seen again in the same run
 * (same SHA-256, extracted once): past this, new texts are not cached. */
#define LX_ATTACH_CACHE_BYTES ((size_t)256 << 20)

/* An attachment whose type has no reader is read as text when its content
 * is text: libmagic says text/..., or (when it names no text type) the
 * first LX_ATTACH_SNIFF_TEXT_BYTES, decoded through the charset module,
 * have no NUL byte and at most LX_ATTACH_SNIFF_MAX_BAD percent of
 * characters that are control characters or undecodable. Random or
 * compressed bytes read as windows-1252 give over 10 %; text, 0 (a few
 * escape or form-feed characters in a log stay under it). The same test
 * keeps binary content under a text label (text/plain) unread. */
#define LX_ATTACH_SNIFF_TEXT_BYTES ((size_t)64 << 10)
#define LX_ATTACH_SNIFF_MAX_BAD 2

/* Bytes of each extracted text that --inspect prints. */
#define LX_ATTACH_PREVIEW_BYTES 1024

/* RTF group nesting followed; deeper groups are read as plain text. */
#define LX_RTF_MAX_DEPTH 256

/* ---- OCR of scans (leakdex-index --ocr; indexer/extract/ocr.c) -------------- */

/* Tesseract's languages when --ocr-lang is not given: French and English
 * (Debian's tesseract-ocr-fra and tesseract-ocr-eng). At most
 * LX_OCR_MAX_LANG bytes of language names joined by '+'. */
#define LX_OCR_DEFAULT_LANG "fra+eng"
#define LX_OCR_MAX_LANG 64

/* PDF pages without a text layer are rendered at this resolution for
 * Tesseract: its models are trained on text about 20 to 40 pixels high, 10-
 * to 12-point print at 300 dpi. Requests may ask 50 to 1200. */
#define LX_OCR_DPI 300

/* Pages read by OCR per document (PDF pages without a text layer, frames of
 * a TIFF); the rest are counted as skipped. A 500-page scanned book would
 * take the helper half an hour. Text-layer pages are not counted. */
#define LX_OCR_MAX_PAGES 50

/* Pixels of one page given to Tesseract: a larger page (a poster, a 1200-dpi
 * scan) is scaled down to this. 40 million is an A4 page at 600 dpi (35
 * million) with room; an 8-bit grey copy takes 40 MB. */
#define LX_OCR_MAX_PIXELS ((size_t)40000000)

/* Pixels of one image decoded at all, read from its header before any
 * decoding: a PNG whose header says 60000x60000 would need 14 GB. 100
 * million pixels (400 MB at 32 bits, a 10000x10000 photo; an A3 scan at
 * 600 dpi is 70 million) fit in the helper's address space
 * (LX_ATTACH_HELPER_MEMORY) beside Tesseract's models. Larger images are
 * skipped with the reason. */
#define LX_OCR_MAX_IMAGE_PIXELS ((size_t)100000000)

/* Wall time for one page in Tesseract (its monitor's deadline): a page past
 * it is skipped, the pages read before it are kept, the next page starts
 * with a deadline of its own. A dense A4 page takes a few seconds. */
#define LX_OCR_PAGE_SECONDS 60

/* A PDF page has a text layer when poppler finds at least this many
 * characters on it that are not white space: a scan with only a page number
 * or a stamp's date in text is still read by OCR. */
#define LX_OCR_TEXT_LAYER_MIN 16

/* An image holds text worth reading when both of its sides are at least
 * LX_OCR_MIN_SIDE pixels and it has at least LX_OCR_MIN_PIXELS pixels:
 * icons, logos, signatures and spacer GIFs of mail are smaller (a 300x300
 * image at 300 dpi is one inch square; an A6 photo at 96 dpi, 397x559, is
 * large enough). Smaller images are skipped with the reason. */
#define LX_OCR_MIN_SIDE 300
#define LX_OCR_MIN_PIXELS ((size_t)250000)

/* Addresses of a message's From fields read for DKIM alignment: a From
 * names its author, rarely a few; a list longer than this is not taken as
 * the signer's sender (the message is then at most signed in part). */
#define LX_DKIM_MAX_FROM_ADDRESSES 64

/* Outlook items (PST/OST stores, .msg files; mail/msg.c, mail/pst.c,
 * mail/mapi.c). Messages attached to messages are followed this deep, like
 * attachments inside attachments; a deeper one is a problem of its item. */
#define LX_OUTLOOK_MAX_DEPTH LX_ATTACH_MAX_DEPTH

/* Recipients read per item: a mailing to 200 people is ordinary, a table of
 * millions is hostile; the rest are a problem of the item. As many as the
 * addresses kept per recipient header of a MIME message. */
#define LX_OUTLOOK_MAX_RECIPIENTS LX_MAX_ADDRESSES

/* Attachments read per item; the rest are a problem of the item. As many as
 * a MIME message's attachments are described. */
#define LX_OUTLOOK_MAX_ATTACHMENTS LX_ATTACH_MAX_PER_MESSAGE

/* Bytes of one property read (a body, an attachment's data, the transport
 * headers): as large as an attachment may be. A larger one is not read and
 * is a problem of the item, so that a forged size cannot make the reader
 * allocate gigabytes. */
#define LX_OUTLOOK_MAX_PROPERTY_BYTES LX_ATTACH_MAX_BYTES

/* Bytes a compressed RTF body (mail/lzfu.c) may decompress to, whatever
 * size its header declares: an RTF body with pictures runs to megabytes,
 * the header's raw size is a 32-bit number anyone can forge. */
#define LX_LZFU_MAX_BYTES ((size_t)32 << 20)

/* Bytes read for one item of a PST/OST store in all (properties,
 * attachments, embedded items): the item becomes one .eml, which must stay
 * under LX_MAX_MESSAGE_BYTES; past it, the rest is a problem of the item. */
#define LX_OUTLOOK_MAX_ITEM_BYTES LX_MAX_MESSAGE_BYTES

/* Folder nesting walked in a store (as directories: LX_MAX_WALK_DEPTH):
 * deeper folders are reported, not walked, so that a damaged folder tree
 * that loops ends. */
#define LX_OUTLOOK_MAX_FOLDER_DEPTH LX_MAX_WALK_DEPTH

/* Problem lines kept per item; past it, one line counts the rest. */
#define LX_OUTLOOK_MAX_PROBLEMS 100

#endif
