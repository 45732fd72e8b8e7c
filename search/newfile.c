/* newfile.c - the files the searcher writes: never over a file, never through a link. */
#include "newfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caps.h"
#include "banned.h"

bool lx_newfile_taken(int dirfd, const char *name, const char *shown, lx_strbuf *why)
{
    struct stat sb;
    if (fstatat(dirfd, name, &sb, AT_SYMLINK_NOFOLLOW) != 0)
        return false;
    lx_strbuf_addf(why, "%s: %s", shown,
                   S_ISLNK(sb.st_mode) ? "a symbolic link; it is never followed"
                                       : "the file exists; it is never overwritten");
    return true;
}

static void release(lx_newfile *nf)
{
    lx_strbuf_release(&nf->name);
    lx_strbuf_release(&nf->tmp);
    lx_strbuf_release(&nf->shown);
    nf->f = NULL;
}

lx_status lx_newfile_open(lx_newfile *nf, int dirfd, const char *shown_dir, const char *name,
                          lx_strbuf *why)
{
    nf->dirfd = dirfd;
    nf->f = NULL;
    lx_strbuf_init(&nf->name);
    lx_strbuf_init(&nf->tmp);
    lx_strbuf_init(&nf->shown);
    lx_status st = lx_strbuf_addstr(&nf->name, name);
    if (!st && shown_dir)
        st = lx_strbuf_addf(&nf->shown, "%s/", shown_dir);
    if (!st)
        st = lx_strbuf_addstr(&nf->shown, name);
    if (st) {
        release(nf);
        return st;
    }
    if (lx_newfile_taken(dirfd, name, nf->shown.buf, why)) {
        release(nf);
        return LX_E_INVALID;
    }
    /* A name nobody can guess, created only if nothing is there: a file or
     * a link planted beside the target is never opened. */
    int fd = -1, err = EEXIST;
    for (int attempt = 0; fd < 0 && err == EEXIST && attempt < LX_NEWFILE_NAME_TRIES; attempt++) {
        unsigned char r[4];
        if (getrandom(r, sizeof r, 0) != (ssize_t)sizeof r) {
            err = errno;
            break;
        }
        lx_strbuf_reset(&nf->tmp);
        if ((st = lx_strbuf_addf(&nf->tmp, "%s.%02x%02x%02x%02x.tmp", name, r[0], r[1], r[2],
                                 r[3]))) {
            release(nf);
            return st;
        }
        fd = openat(dirfd, nf->tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    0644);
        err = fd < 0 ? errno : 0;
    }
    if (fd < 0 || !(nf->f = fdopen(fd, "w"))) {
        if (fd >= 0) {
            err = errno;
            close(fd);
            unlinkat(dirfd, nf->tmp.buf, 0);
        }
        lx_strbuf_addf(why, "%s: %s", nf->shown.buf, strerror(err));
        release(nf);
        return err == ENOMEM ? LX_E_NOMEM : LX_E_IO;
    }
    return LX_OK;
}

/* Gives the temporary file its name unless that name exists: 0, or an errno. */
static int place(lx_newfile *nf)
{
    if (renameat2(nf->dirfd, nf->tmp.buf, nf->dirfd, nf->name.buf, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
        return errno;
    /* A file system without that rename: a new link fails as well when the
     * name exists, and the temporary name is removed after. */
    if (linkat(nf->dirfd, nf->tmp.buf, nf->dirfd, nf->name.buf, 0) != 0)
        return errno;
    unlinkat(nf->dirfd, nf->tmp.buf, 0);
    return 0;
}

lx_status lx_newfile_publish(lx_newfile *nf, lx_strbuf *why)
{
    lx_status st = LX_OK;
    bool closed = fclose(nf->f) == 0;
    nf->f = NULL;
    int err = closed ? place(nf) : errno;
    if (err) {
        if (err != EEXIST || !lx_newfile_taken(nf->dirfd, nf->name.buf, nf->shown.buf, why))
            lx_strbuf_addf(why, "%s: %s", nf->shown.buf, strerror(err));
        st = err == EEXIST ? LX_E_INVALID : LX_E_IO;
        unlinkat(nf->dirfd, nf->tmp.buf, 0);
    }
    release(nf);
    return st;
}

void lx_newfile_abandon(lx_newfile *nf)
{
    if (nf->f) {
        fclose(nf->f);
        unlinkat(nf->dirfd, nf->tmp.buf, 0);
    }
    release(nf);
}

lx_status lx_newfile_write(int dirfd, const char *shown_dir, const char *name, const char *data,
                           size_t len, lx_strbuf *why)
{
    lx_newfile nf;
    lx_status st = lx_newfile_open(&nf, dirfd, shown_dir, name, why);
    if (st)
        return st;
    if (len && fwrite(data, 1, len, nf.f) != len) {
        lx_strbuf_addf(why, "%s: %s", nf.shown.buf, strerror(errno));
        lx_newfile_abandon(&nf);
        return LX_E_IO;
    }
    return lx_newfile_publish(&nf, why);
}
