# Turns one CUDA source into C++ for the host SIMT emulator (sg_emu.h): `kernel<<<config>>>(args)` becomes
# `::sg_emu::launcher(kernel, "kernel", config)(args)` and `extern __shared__ ... unsigned char name[];` becomes a
# pointer to the block's dynamic shared memory. Everything else, kernels included, is left as written.
#   cmake -DIN=<file.cu> -DOUT=<file.cpp> -P rewrite_cu.cmake
file(READ "${IN}" text)
string(REGEX REPLACE "([A-Za-z_][A-Za-z0-9_]*(<[A-Za-z0-9_, ]+>)?)<<<(([^>]|>[^>])*)>>>\\("
       "::sg_emu::launcher(\\1, \"\\1\", \\3)(" text "${text}")
string(REGEX REPLACE "extern __shared__[^;]*unsigned char ([A-Za-z_][A-Za-z0-9_]*)\\[\\];"
       "unsigned char *\\1 = ::sg_emu::dynamic_shared();" text "${text}")
if(text MATCHES "<<<|extern __shared__")
  message(FATAL_ERROR "rewrite_cu: ${IN} has a launch or shared array this script does not understand")
endif()
file(WRITE "${OUT}.tmp" "#line 1 \"${IN}\"\n${text}")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
