/* assets.h - the files of web/static/, compiled into leakdex-web (web/embed.cmake writes their table). */
#ifndef LX_WEB_ASSETS_H
#define LX_WEB_ASSETS_H

#include <stddef.h>

typedef struct web_asset {
    const char *name; /* the file's name in web/static/ */
    const unsigned char *bytes;
    size_t size;
} web_asset;

/* Every file, sorted by name; generated. */
extern const web_asset web_assets[];
extern const size_t web_n_assets;

#endif
