/* testdir.h - removing a unit test's temporary directory, whole. */
#ifndef LX_TESTDIR_H
#define LX_TESTDIR_H

#include <ftw.h>
#include <stdio.h>

static inline int lx_testdir_remove_one(const char *path, const struct stat *sb, int type,
                                 struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path);
}

/* Removes dir and everything below it, links not followed: 0, or -1. */
static inline int lx_testdir_remove(const char *dir)
{
    return nftw(dir, lx_testdir_remove_one, 16, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

#endif
