#ifndef PROBLEMSUITE_CZLIB_SHIM_H
#define PROBLEMSUITE_CZLIB_SHIM_H
// The system zlib (Debian: zlib1g-dev), used by the streaming gzip reader.
#include <zlib.h>
#endif
