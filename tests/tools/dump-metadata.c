/* dump-metadata.c - prints a database's metadata keys that start with a
 * prefix, one "key=value" line each in key order, a NUL in a value shown as
 * '|': the stem table and the thread aliases, for tests that compare two
 * indexes whole (T120). */
#include <stdio.h>
#include <stdlib.h>

#include "xdb.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: dump-metadata DB PREFIX...\n");
        return 2;
    }
    lx_db *db = NULL;
    char *why = NULL;
    if (lx_db_open(argv[1], LX_DB_READ, &db, &why) != LX_OK) {
        fprintf(stderr, "dump-metadata: %s\n", why ? why : "cannot open");
        free(why);
        return 1;
    }
    int status = 0;
    for (int a = 2; a < argc && !status; a++) {
        char **keys = NULL;
        size_t n = 0;
        if (lx_db_metadata_keys(db, argv[a], &keys, &n) != LX_OK) {
            status = 1;
            break;
        }
        for (size_t i = 0; i < n; i++) {
            char *value = NULL;
            size_t len = 0;
            if (!status && lx_db_get_metadata_len(db, keys[i], &value, &len) == LX_OK) {
                printf("%s=", keys[i]);
                for (size_t k = 0; k < len; k++)
                    putchar(value[k] ? value[k] : '|');
                putchar('\n');
            } else {
                status = 1;
            }
            free(value);
            free(keys[i]);
        }
        free(keys);
    }
    lx_db_close(db);
    return status;
}
