// Errors inside the engine are exceptions carrying an SG_* status; the C API turns them into a status
// code and a per-thread message, so no exception ever crosses the C boundary.
#pragma once

#include <cstdarg>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "streamgate_engine.h"

namespace sg {

class EngineError : public std::runtime_error {
public:
    EngineError(int status, const std::string &message) : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

private:
    int status_;
};

[[noreturn]] __attribute__((format(printf, 2, 3))) inline void fail(int status, const char *format, ...) {
    char buffer[1024];
    va_list args;
    va_start(args, format);
    std::vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    throw EngineError(status, buffer);
}

}  // namespace sg
