# Records what the configure step looked at, so `npm run build` (scripts/build-native.mjs) can tell when a cached
# configuration has gone stale and configure again by itself: a dependency that appeared, moved or was removed, an
# environment variable that changed, a libtorch whose version file changed.
#
# One line per probe in ${CMAKE_BINARY_DIR}/rarft-discovery.txt, tab-separated, re-evaluated by build-native.mjs:
#   env     NAME   VALUE        the environment variable's value at configure time ("" when unset)
#   exists  PATH   0|1          whether the file existed
#   sha256  PATH   HASH|-       the file's sha256 ("-" when it did not exist)
# The file is removed when a configure starts and written only when one succeeds, so a failed configure always
# leads to a fresh one next time.

set(RARFT_DISCOVERY_FILE "${CMAKE_BINARY_DIR}/rarft-discovery.txt")
file(REMOVE "${RARFT_DISCOVERY_FILE}")
set_property(GLOBAL PROPERTY RARFT_DISCOVERY_LINES "")

function(_rarft_record line)
  set_property(GLOBAL APPEND PROPERTY RARFT_DISCOVERY_LINES "${line}")
endfunction()

# rarft_probe_env(NAME): records the environment variable's current value (callers read it with $ENV{NAME}).
function(rarft_probe_env name)
  _rarft_record("env\t${name}\t$ENV{${name}}")
endfunction()

# rarft_probe_exists(PATH OUT): OUT = TRUE when PATH exists; the answer is recorded.
function(rarft_probe_exists path out)
  if(EXISTS "${path}")
    _rarft_record("exists\t${path}\t1")
    set(${out} TRUE PARENT_SCOPE)
  else()
    _rarft_record("exists\t${path}\t0")
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

# rarft_probe_file(PATH): records the file's content hash (a version file, a config file).
function(rarft_probe_file path)
  if(EXISTS "${path}" AND NOT IS_DIRECTORY "${path}")
    file(SHA256 "${path}" _h)
    _rarft_record("sha256\t${path}\t${_h}")
  else()
    _rarft_record("sha256\t${path}\t-")
  endif()
endfunction()

# Called at the very end of a successful configure.
function(rarft_write_discovery)
  get_property(_lines GLOBAL PROPERTY RARFT_DISCOVERY_LINES)
  list(REMOVE_DUPLICATES _lines)
  string(REPLACE ";" "\n" _text "${_lines}")
  file(WRITE "${RARFT_DISCOVERY_FILE}" "${_text}\n")
endfunction()
