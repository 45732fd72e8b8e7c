#!/bin/sh
# A stand-in extraction helper for T300 (LEAKDEX_EXTRACT_HELPER): it dies of
# a segmentation fault, as a parser meeting a hostile file might.
kill -SEGV $$
