#include "cublas_loader.h"

#include <dlfcn.h>

#include <cstdlib>
#include <mutex>

#include "../engine/errors.h"

namespace sg::cuda {
namespace {

std::once_flag loaded;
CublasApi api;
const CublasApi *api_ptr = nullptr;
std::string load_error;

template <class Fn>
bool bind(void *library, const char *symbol, Fn *target, std::string *missing) {
    void *address = ::dlsym(library, symbol);
    if (address == nullptr) {
        *missing += std::string(missing->empty() ? "" : ", ") + symbol;
        return false;
    }
    *target = reinterpret_cast<Fn>(address);
    return true;
}

void load() {
    std::string tried;
    void *library = nullptr;
    const char *override = std::getenv("STREAMGATE_CUBLAS");
    const char *candidates[] = {override, "libcublas.so.13", "libcublas.so.12"};
    for (const char *name : candidates) {
        if (name == nullptr || *name == '\0') continue;
        library = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
        if (library != nullptr) {
            api.library = name;
            break;
        }
        const char *why = ::dlerror();
        tried += std::string(tried.empty() ? "" : "; ") + (why != nullptr ? why : name);
    }
    if (library == nullptr) {
        load_error = "cuBLAS not found (" + tried + "); set STREAMGATE_CUBLAS or LD_LIBRARY_PATH";
        return;
    }
    std::string missing;
    bool ok = bind(library, "cublasCreate_v2", &api.create, &missing);
    ok &= bind(library, "cublasDestroy_v2", &api.destroy, &missing);
    ok &= bind(library, "cublasSetStream_v2", &api.set_stream, &missing);
    ok &= bind(library, "cublasSetWorkspace_v2", &api.set_workspace, &missing);
    ok &= bind(library, "cublasSetMathMode", &api.set_math_mode, &missing);
    ok &= bind(library, "cublasGetVersion_v2", &api.get_version, &missing);
    ok &= bind(library, "cublasGemmEx", &api.gemm_ex, &missing);
    std::string optional;
    if (!bind(library, "cublasGetStatusString", &api.status_string, &optional)) api.status_string = nullptr;
    if (!ok) {
        load_error = api.library + " lacks " + missing;
        return;
    }
    api_ptr = &api;
}

}  // namespace

const CublasApi *cublas_api(std::string *reason) {
    std::call_once(loaded, load);
    if (api_ptr == nullptr && reason != nullptr) *reason = load_error;
    return api_ptr;
}

void check_cublas(cublasStatus_t status, const char *what) {
    if (status == 0) return;
    const char *text = api_ptr != nullptr && api_ptr->status_string != nullptr ? api_ptr->status_string(status) : "";
    fail(SG_ERR_INTERNAL, "cuBLAS error %d %s in %s", status, text, what);
}

}  // namespace sg::cuda
