/* fuzz_query.c - the query front end: checks, folding, Xapian's parser and
 * a search, on a small index built at start-up. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "query.h"
#include "search.h"
#include "schema.h"
#include "xdb.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lx_db *db;
static char dir[] = "/tmp/leakdex-fuzz-query-XXXXXX";

/* The small index goes when the run ends. */
static void remove_index(void)
{
    char cmd[128];
    lx_db_close(db);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    if (!mkdtemp(dir))
        abort();
    atexit(remove_index);
    lx_db *w = NULL;
    if (lx_db_open(dir, LX_DB_WRITE, &w, NULL))
        abort();
    static const char *const texts[] = {"budget prévisionnel de la campagne", "réunion à Lyon",
                                        "北京 東京 서울", "meeting with the candidates"};
    for (size_t i = 0; i < 4; i++) {
        lx_doc *d = lx_doc_new();
        char sha[8];
        snprintf(sha, sizeof sha, "%zu", i);
        lx_doc_add_boolean(d, lx_schema_prefix(LX_F_SHA256), sha);
        lx_doc_index_text(d, "", texts[i], strlen(texts[i]));
        lx_doc_index_text(d, lx_schema_prefix(LX_F_SUBJECT), texts[i], strlen(texts[i]));
        lx_doc_set_number(d, lx_schema_slot(LX_F_DATE), 1.5e9 + (double)i * 1e7);
        lx_doc_set_data(d, sha, strlen(sha));
        lx_db_add_doc(w, d, NULL);
        lx_doc_free(d);
    }
    if (lx_db_close(w) || lx_db_open(dir, LX_DB_READ, &db, NULL))
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *q = strndup((const char *)data, size);
    if (!q)
        return 0;
    lx_strbuf why, folded;
    lx_strbuf_init(&why);
    lx_strbuf_init(&folded);
    if (lx_query_check(q, &why) == LX_OK && lx_query_fold(q, &folded, &why) == LX_OK) {
        lx_query_opts o = {.text = folded.buf, .limit = 10};
        lx_results res;
        lx_status st = lx_search(db, &o, &res);
        if (st == LX_OK)
            lx_results_release(&res);
        else if (st != LX_E_QUERY && st != LX_E_LIMIT)
            abort(); /* anything but a malformed or too costly query is a bug */
    }
    lx_strbuf_release(&why);
    lx_strbuf_release(&folded);
    free(q);
    return 0;
}
