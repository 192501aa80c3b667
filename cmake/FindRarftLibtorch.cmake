# Finds libtorch for rarft, in a documented order (the same idea as tch-rs's torch-sys/build.rs):
#
#   1. LIBTORCH (environment or -DLIBTORCH=...): a libtorch folder. Accepted: the official C++ zip unzipped
#      (LIBTORCH/share/cmake/Torch), an unzipped torch wheel's `torch/` folder, or the folder holding that `torch/`.
#   2. LIBTORCH_USE_PYTORCH=1: ask `python3` where the installed torch package lives and use it in place
#      (a CUDA torch from pip needs its nvidia-* packages beside it, so it is never copied).
#   3. The project-local folder `.libtorch/` that `npm run setup` makes from the pinned wheel.
#
# Sets RARFT_LIBTORCH_ROOT, RARFT_LIBTORCH_VERSION and RARFT_LIBTORCH_SOURCE, then find_package(Torch).
# When nothing is found, stops with a message that lists what was tried and how to fix each case.

set(RARFT_TESTED_TORCH_VERSIONS "2.11;2.12;2.13;2.14")
set(RARFT_MIN_TORCH_VERSION "2.4")

set(_tried "")

function(_rarft_candidate dir out)
  set(${out} "" PARENT_SCOPE)
  if(EXISTS "${dir}/share/cmake/Torch/TorchConfig.cmake")
    set(${out} "${dir}" PARENT_SCOPE)
  elseif(EXISTS "${dir}/torch/share/cmake/Torch/TorchConfig.cmake")
    set(${out} "${dir}/torch" PARENT_SCOPE)
  endif()
endfunction()

# Recorded for scripts/build-native.mjs: a change to any of these makes the next `npm run build` configure again.
foreach(_v LIBTORCH LIBTORCH_USE_PYTORCH LIBTORCH_BYPASS_VERSION_CHECK)
  rarft_probe_env(${_v})
endforeach()

set(_libtorch_hint "")
if(DEFINED LIBTORCH AND NOT "${LIBTORCH}" STREQUAL "")
  set(_libtorch_hint "${LIBTORCH}")
elseif(DEFINED ENV{LIBTORCH} AND NOT "$ENV{LIBTORCH}" STREQUAL "")
  set(_libtorch_hint "$ENV{LIBTORCH}")
endif()

if(_libtorch_hint)
  _rarft_candidate("${_libtorch_hint}" RARFT_LIBTORCH_ROOT)
  list(APPEND _tried "LIBTORCH=${_libtorch_hint}: no share/cmake/Torch/TorchConfig.cmake under it (nor under its torch/ folder)")
  if(NOT RARFT_LIBTORCH_ROOT)
    message(FATAL_ERROR
      "rarft: LIBTORCH is set to '${_libtorch_hint}', but that folder holds no libtorch.\n"
      "Expected ${_libtorch_hint}/share/cmake/Torch/TorchConfig.cmake (the official libtorch zip, unzipped)\n"
      "or ${_libtorch_hint}/torch/share/cmake/Torch/TorchConfig.cmake (an unzipped torch wheel).\n"
      "Fix: point LIBTORCH at the folder that contains lib/, include/ and share/, or unset it to use `npm run setup`.")
  endif()
  set(RARFT_LIBTORCH_SOURCE "LIBTORCH")
endif()

if(NOT RARFT_LIBTORCH_ROOT AND "$ENV{LIBTORCH_USE_PYTORCH}" STREQUAL "1")
  find_program(_rarft_python NAMES python3 python)
  if(_rarft_python)
    execute_process(
      COMMAND "${_rarft_python}" -c "import torch, os; print(os.path.dirname(torch.__file__))"
      OUTPUT_VARIABLE _py_torch OUTPUT_STRIP_TRAILING_WHITESPACE
      ERROR_VARIABLE _py_err RESULT_VARIABLE _py_rc)
    if(_py_rc EQUAL 0)
      _rarft_candidate("${_py_torch}" RARFT_LIBTORCH_ROOT)
      set(RARFT_LIBTORCH_SOURCE "LIBTORCH_USE_PYTORCH (${_rarft_python})")
    endif()
    list(APPEND _tried "LIBTORCH_USE_PYTORCH=1: `${_rarft_python} -c 'import torch'` gave '${_py_torch}' (exit ${_py_rc}) ${_py_err}")
  else()
    list(APPEND _tried "LIBTORCH_USE_PYTORCH=1: no python3 on PATH")
  endif()
endif()

if(NOT RARFT_LIBTORCH_ROOT)
  rarft_probe_exists("${CMAKE_CURRENT_SOURCE_DIR}/.libtorch/share/cmake/Torch/TorchConfig.cmake" _local_there)
  _rarft_candidate("${CMAKE_CURRENT_SOURCE_DIR}/.libtorch" RARFT_LIBTORCH_ROOT)
  list(APPEND _tried "project-local ${CMAKE_CURRENT_SOURCE_DIR}/.libtorch (made by `npm run setup`): not there")
  if(RARFT_LIBTORCH_ROOT)
    set(RARFT_LIBTORCH_SOURCE "project-local .libtorch (npm run setup)")
  endif()
endif()

if(NOT RARFT_LIBTORCH_ROOT)
  string(REPLACE ";" "\n  - " _tried_text "${_tried}")
  message(FATAL_ERROR
    "\nrarft: could not find libtorch.\n"
    "Tried, in order:\n  - ${_tried_text}\n"
    "Possible solutions:\n"
    "  - Run `npm run setup`: it downloads the pinned torch wheel with pip and unpacks its libtorch into .libtorch/.\n"
    "    Offline: `RARFT_TORCH_WHEEL=/path/to/torch-2.13.0-*.whl npm run setup`.\n"
    "  - Or export LIBTORCH=/path/to/libtorch (the official C++ zip unzipped, or an unzipped torch wheel's torch/ folder).\n"
    "  - Or, with PyTorch installed for python3: export LIBTORCH_USE_PYTORCH=1 (a CUDA PyTorch is used in place).\n"
    "Then build again: `npm run build`.\n")
endif()

# Version: the official zip has build-version; wheels have version.py; our setup writes build-version.
set(RARFT_LIBTORCH_VERSION "")
if(EXISTS "${RARFT_LIBTORCH_ROOT}/build-version")
  file(READ "${RARFT_LIBTORCH_ROOT}/build-version" RARFT_LIBTORCH_VERSION)
elseif(EXISTS "${RARFT_LIBTORCH_ROOT}/version.py")
  file(STRINGS "${RARFT_LIBTORCH_ROOT}/version.py" _vline REGEX "^__version__")
  string(REGEX REPLACE ".*'([^']+)'.*" "\\1" RARFT_LIBTORCH_VERSION "${_vline}")
endif()
string(STRIP "${RARFT_LIBTORCH_VERSION}" RARFT_LIBTORCH_VERSION)
# A libtorch replaced in place (another `npm run setup`, a pip upgrade) changes these files.
rarft_probe_file("${RARFT_LIBTORCH_ROOT}/build-version")
rarft_probe_file("${RARFT_LIBTORCH_ROOT}/version.py")
rarft_probe_file("${RARFT_LIBTORCH_ROOT}/share/cmake/Torch/TorchConfig.cmake")

list(APPEND CMAKE_PREFIX_PATH "${RARFT_LIBTORCH_ROOT}")
set(Torch_DIR "${RARFT_LIBTORCH_ROOT}/share/cmake/Torch")
find_package(Torch REQUIRED CONFIG)
if(NOT RARFT_LIBTORCH_VERSION)
  set(RARFT_LIBTORCH_VERSION "${Torch_VERSION}")
endif()

string(REGEX MATCH "^[0-9]+\\.[0-9]+" _mm "${RARFT_LIBTORCH_VERSION}")
if(NOT "$ENV{LIBTORCH_BYPASS_VERSION_CHECK}" STREQUAL "1")
  if(_mm VERSION_LESS RARFT_MIN_TORCH_VERSION)
    message(FATAL_ERROR
      "rarft: libtorch ${RARFT_LIBTORCH_VERSION} at ${RARFT_LIBTORCH_ROOT} is older than ${RARFT_MIN_TORCH_VERSION}.\n"
      "Fix: use torch ${RARFT_TESTED_TORCH_VERSIONS} (npm run setup fetches 2.13.0), or set LIBTORCH_BYPASS_VERSION_CHECK=1 to try anyway.")
  endif()
  list(FIND RARFT_TESTED_TORCH_VERSIONS "${_mm}" _idx)
  if(_idx EQUAL -1)
    message(WARNING "rarft: libtorch ${RARFT_LIBTORCH_VERSION} is not one of the tested versions (${RARFT_TESTED_TORCH_VERSIONS}).")
  endif()
endif()

message(STATUS "rarft: libtorch ${RARFT_LIBTORCH_VERSION} from ${RARFT_LIBTORCH_SOURCE}: ${RARFT_LIBTORCH_ROOT}")
