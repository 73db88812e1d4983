// A weights file mapped read-only for the engine's lifetime: tensors are used in place, so loading a
// checkpoint costs page faults, not copies.
#pragma once

#include <cstddef>
#include <string>

namespace sg {

class MappedFile {
public:
    explicit MappedFile(const std::string &path);
    ~MappedFile();
    MappedFile(const MappedFile &) = delete;
    MappedFile &operator=(const MappedFile &) = delete;

    const std::string &path() const { return path_; }
    const unsigned char *data() const { return static_cast<const unsigned char *>(data_); }
    size_t size() const { return size_; }

private:
    std::string path_;
    void *data_ = nullptr;
    size_t size_ = 0;
};

}  // namespace sg
