#!/bin/sh
# A stand-in extraction helper for T300 (LEAKDEX_EXTRACT_HELPER): it never
# answers, so the indexer's time limit must stop it.
exec sleep 60
