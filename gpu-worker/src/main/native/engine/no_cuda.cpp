// Built instead of the CUDA backend when CMake found no CUDA compiler: AUTO always means the CPU.
#include "backend.h"
#include "errors.h"

namespace sg {

std::string cuda_unavailable_reason(int) { return "this build of the engine has no CUDA backend (nvcc was not found)"; }

std::unique_ptr<Backend> make_cuda_backend(const Model &, const sg_engine_params &) {
    fail(SG_ERR_UNSUPPORTED, "%s", cuda_unavailable_reason(0).c_str());
}

}  // namespace sg
