# c10d's distributed backends for rarft. A backend the build cannot compile stops the build with what was tried and
# the fixes; it is left out only when the user says so (RARFT_WITHOUT_GLOO=1 / RARFT_WITHOUT_NCCL=1, as -D or in the
# environment). A build that silently lacks Gloo fails only later, at run time, in every multi-process path.
#
# Gloo (CPU collectives, every build). The torch wheel ships ProcessGroupGloo.hpp and the Gloo code inside
# libtorch_cpu, but not Gloo's own headers, which ProcessGroupGloo.hpp includes. Looked for, in order:
#   1. GLOO_INCLUDE_DIR (-D or environment): an explicit choice; a folder without gloo/config.h is an error.
#   2. GLOO_HINT (-D; kept from earlier builds): one more folder to look in.
#   3. <project>/.deps/gloo/usr/include: Debian's libgloo-dev unpacked there by `npm run setup` (no root needed).
#   4. RARFT_GLOO_SYSTEM_DIRS (default /usr/include;/usr/local/include): a system-wide libgloo-dev.
# NCCL (GPU collectives, CUDA libtorch only). nccl.h from NCCL_INCLUDE_DIR (-D or environment), NCCL_HINT, the pip
# nvidia-nccl package beside a pip torch, /usr/include, /usr/local/cuda/include.
#
# Sets RARFT_HAVE_GLOO / GLOO_INCLUDE_DIR, RARFT_HAVE_CUDA, RARFT_HAVE_NCCL / NCCL_INCLUDE_DIR. Every probe is
# recorded (RarftDiscovery.cmake) so a later `npm run build` reconfigures when one of them changes.

set(RARFT_GLOO_SYSTEM_DIRS "/usr/include;/usr/local/include" CACHE STRING "System folders searched for gloo/config.h")
set(RARFT_NCCL_SYSTEM_DIRS "/usr/include;/usr/local/cuda/include" CACHE STRING "System folders searched for nccl.h")

# OUT = TRUE when NAME is set to a true value with -D, or to 1 in the environment.
function(_rarft_opt_out name out)
  rarft_probe_env(${name})
  if((DEFINED ${name} AND ${name}) OR "$ENV{${name}}" STREQUAL "1")
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

# OUT = the folder NAME names (-D wins over the environment), or "" when unset. find_path's leftovers in caches of
# earlier builds ("...-NOTFOUND") count as unset.
function(_rarft_explicit_dir name out)
  rarft_probe_env(${name})
  set(_v "")
  if(DEFINED ${name} AND NOT "${${name}}" STREQUAL "" AND NOT "${${name}}" MATCHES "-NOTFOUND$")
    set(_v "${${name}}")
  elseif(NOT "$ENV{${name}}" STREQUAL "")
    set(_v "$ENV{${name}}")
  endif()
  set(${out} "${_v}" PARENT_SCOPE)
endfunction()

# Searches DIRS (a list of "folder|label") for HEADER; OUT = the first folder holding it, TRIED += one line each.
function(_rarft_search header dirs out tried)
  set(_found "")
  set(_lines "${${tried}}")
  foreach(entry IN LISTS dirs)
    string(REPLACE "|" ";" _parts "${entry}")
    list(GET _parts 0 _dir)
    list(LENGTH _parts _n)
    set(_label "")
    if(_n GREATER 1)
      list(GET _parts 1 _label)
      set(_label " (${_label})")
    endif()
    rarft_probe_exists("${_dir}/${header}" _there)
    if(_there)
      list(APPEND _lines "${_dir}/${header}${_label}: found")
      set(_found "${_dir}")
      break()
    endif()
    list(APPEND _lines "${_dir}/${header}${_label}: not there")
  endforeach()
  set(${out} "${_found}" PARENT_SCOPE)
  set(${tried} "${_lines}" PARENT_SCOPE)
endfunction()

function(_rarft_tried_text tried out)
  string(REPLACE ";" "\n  - " _t "${tried}")
  set(${out} "  - ${_t}" PARENT_SCOPE)
endfunction()

# ---- Gloo ------------------------------------------------------------------------------------------------------
_rarft_opt_out(RARFT_WITHOUT_GLOO _without_gloo)
_rarft_explicit_dir(GLOO_INCLUDE_DIR _gloo_explicit)
set(RARFT_HAVE_GLOO OFF)
set(_gloo_dir "")
if(_without_gloo)
  message(STATUS "rarft: Gloo left out (RARFT_WITHOUT_GLOO=1): multi-process training is not available in this build")
elseif(_gloo_explicit)
  rarft_probe_exists("${_gloo_explicit}/gloo/config.h" _there)
  if(NOT _there)
    message(FATAL_ERROR
      "\nrarft: GLOO_INCLUDE_DIR is set to '${_gloo_explicit}', but ${_gloo_explicit}/gloo/config.h does not exist.\n"
      "Fix: point GLOO_INCLUDE_DIR at the folder that holds gloo/ (for libgloo-dev: /usr/include), or unset it to use\n"
      "the headers `npm run setup` unpacks into .deps/gloo/, or build without Gloo: RARFT_WITHOUT_GLOO=1 npm run build\n")
  endif()
  set(_gloo_dir "${_gloo_explicit}")
else()
  set(_tried "GLOO_INCLUDE_DIR: not set")
  set(_dirs "")
  if(GLOO_HINT)
    list(APPEND _dirs "${GLOO_HINT}|GLOO_HINT")
  endif()
  list(APPEND _dirs "${CMAKE_CURRENT_SOURCE_DIR}/.deps/gloo/usr/include|made by `npm run setup`")
  foreach(d IN LISTS RARFT_GLOO_SYSTEM_DIRS)
    list(APPEND _dirs "${d}|system libgloo-dev")
  endforeach()
  _rarft_search("gloo/config.h" "${_dirs}" _gloo_dir _tried)
  if(NOT _gloo_dir)
    _rarft_tried_text("${_tried}" _tried_text)
    message(FATAL_ERROR
      "\nrarft: the Gloo headers were not found, and without them the addon has no c10d backend on the CPU:\n"
      "multi-process training (--nproc-per-node, torchrun, ZeRO-3) would fail at run time.\n"
      "Tried, in order:\n${_tried_text}\n"
      "Possible solutions:\n"
      "  - Run `npm run setup`: it unpacks Debian's libgloo-dev headers into .deps/gloo/ (apt-get download, no root).\n"
      "    Offline: RARFT_GLOO_DEB=/path/to/libgloo-dev_*.deb npm run setup\n"
      "  - Or install them system-wide: sudo apt-get install libgloo-dev\n"
      "  - Or export GLOO_INCLUDE_DIR=/path/to/a/folder/holding/gloo (gloo/config.h inside).\n"
      "  - Or build without multi-process training: RARFT_WITHOUT_GLOO=1 npm run build\n"
      "Then build again: `npm run build`.\n")
  endif()
endif()
if(_gloo_dir)
  set(RARFT_HAVE_GLOO ON)
  set(GLOO_INCLUDE_DIR "${_gloo_dir}")
endif()

# ---- CUDA ------------------------------------------------------------------------------------------------------
set(RARFT_HAVE_CUDA OFF)
if(TARGET torch_cuda OR "${TORCH_LIBRARIES}" MATCHES "torch_cuda")
  set(RARFT_HAVE_CUDA ON)
endif()
set(RARFT_CUDA_EXTRA_INCLUDES "")
if(RARFT_HAVE_CUDA)
  # ProcessGroupNCCL.hpp pulls in ATen/cuda/CUDAContextLight.h, which includes cublas_v2.h, cusparse.h and
  # cusolverDn.h. A minimal CUDA toolkit (nvcc + cudart, as pip-style toolkits are) lacks them; a pip CUDA PyTorch has
  # them in its nvidia-* packages beside torch/. Those folders go AFTER the toolkit's, so a full toolkit still wins.
  find_path(RARFT_CUBLAS_INCLUDE_DIR cublas_v2.h PATHS ${CUDAToolkit_INCLUDE_DIRS} ${CUDA_INCLUDE_DIRS} /usr/local/cuda/include NO_CACHE)
  if(NOT RARFT_CUBLAS_INCLUDE_DIR)
    file(GLOB RARFT_CUDA_EXTRA_INCLUDES LIST_DIRECTORIES true "${RARFT_LIBTORCH_ROOT}/../nvidia/*/include")
    message(STATUS "rarft: the CUDA toolkit has no cublas_v2.h; using the headers of the nvidia-* packages beside torch: ${RARFT_CUDA_EXTRA_INCLUDES}")
  endif()
endif()

# ---- NCCL (CUDA builds only) -----------------------------------------------------------------------------------
set(RARFT_HAVE_NCCL OFF)
set(_nccl_dir "")
if(RARFT_HAVE_CUDA)
  _rarft_opt_out(RARFT_WITHOUT_NCCL _without_nccl)
  _rarft_explicit_dir(NCCL_INCLUDE_DIR _nccl_explicit)
  if(_without_nccl)
    message(STATUS "rarft: NCCL left out (RARFT_WITHOUT_NCCL=1): multi-GPU training uses no NCCL in this build")
  elseif(_nccl_explicit)
    rarft_probe_exists("${_nccl_explicit}/nccl.h" _there)
    if(NOT _there)
      message(FATAL_ERROR
        "\nrarft: NCCL_INCLUDE_DIR is set to '${_nccl_explicit}', but ${_nccl_explicit}/nccl.h does not exist.\n"
        "Fix: point NCCL_INCLUDE_DIR at the folder holding nccl.h, or build without NCCL: RARFT_WITHOUT_NCCL=1 npm run build\n")
    endif()
    set(_nccl_dir "${_nccl_explicit}")
  else()
    set(_tried "NCCL_INCLUDE_DIR: not set")
    set(_dirs "")
    if(NCCL_HINT)
      list(APPEND _dirs "${NCCL_HINT}|NCCL_HINT")
    endif()
    get_filename_component(_pip_nccl "${RARFT_LIBTORCH_ROOT}/../nvidia/nccl/include" ABSOLUTE)
    list(APPEND _dirs "${_pip_nccl}|pip's nvidia-nccl beside torch")
    foreach(d IN LISTS RARFT_NCCL_SYSTEM_DIRS)
      list(APPEND _dirs "${d}|system")
    endforeach()
    _rarft_search("nccl.h" "${_dirs}" _nccl_dir _tried)
    if(NOT _nccl_dir)
      _rarft_tried_text("${_tried}" _tried_text)
      message(FATAL_ERROR
        "\nrarft: this libtorch has CUDA, but nccl.h was not found: multi-GPU training would have no NCCL backend.\n"
        "Tried, in order:\n${_tried_text}\n"
        "Possible solutions:\n"
        "  - Use the CUDA PyTorch from pip in place (LIBTORCH_USE_PYTORCH=1): its nvidia-nccl package carries nccl.h.\n"
        "  - Or install NCCL's headers (NVIDIA's libnccl-dev) and rebuild.\n"
        "  - Or export NCCL_INCLUDE_DIR=/path/to/the/folder/holding/nccl.h\n"
        "  - Or build without NCCL (Gloo only): RARFT_WITHOUT_NCCL=1 npm run build\n")
    endif()
  endif()
endif()
if(_nccl_dir)
  set(RARFT_HAVE_NCCL ON)
  set(NCCL_INCLUDE_DIR "${_nccl_dir}")
endif()

message(STATUS "rarft: gloo=${RARFT_HAVE_GLOO} cuda=${RARFT_HAVE_CUDA} nccl=${RARFT_HAVE_NCCL}")
if(RARFT_HAVE_GLOO)
  message(STATUS "rarft: Gloo headers from ${GLOO_INCLUDE_DIR}")
endif()
if(RARFT_HAVE_NCCL)
  message(STATUS "rarft: NCCL headers from ${NCCL_INCLUDE_DIR}")
endif()
