/* sha256.c - SHA-256 through OpenSSL's EVP interface. */
#include "sha256.h"

#include <openssl/evp.h>

#include "banned.h"

lx_status lx_sha256_hex(const void *data, size_t len, char hex[LX_SHA256_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (!EVP_Digest(data, len, md, &n, EVP_sha256(), NULL) || n != 32)
        return LX_E_NOMEM;
    for (unsigned i = 0; i < n; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
    return LX_OK;
}
