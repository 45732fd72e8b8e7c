# scdoc.cmake - turns one scdoc page into roff: cmake -DSCDOC=... -DIN=... -DOUT=...
# -DVERSION=... -P scdoc.cmake. The version goes into the page's footer.
file(READ "${IN}" text)
string(REPLACE "@LEAKDEX_VERSION@" "${VERSION}" text "${text}")
file(WRITE "${OUT}.scd" "${text}")
execute_process(COMMAND "${SCDOC}" INPUT_FILE "${OUT}.scd" OUTPUT_FILE "${OUT}.tmp"
                ERROR_VARIABLE err RESULT_VARIABLE rc)
file(REMOVE "${OUT}.scd")
if(NOT rc EQUAL 0)
    file(REMOVE "${OUT}.tmp")
    message(FATAL_ERROR "scdoc failed on ${IN}: ${err}")
endif()
file(RENAME "${OUT}.tmp" "${OUT}")
