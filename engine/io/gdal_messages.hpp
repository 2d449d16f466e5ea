// What GDAL says while the inputs are read, collected so that it is reported with the layer it belongs to.
#pragma once
#include <cpl_error.h>

#include <cstddef>
#include <string>
#include <vector>

namespace minerisk::reader {

// Collects what GDAL says while the inputs are read, instead of letting it print "ERROR 1: ..." on the
// terminal: the messages are then reported with the layer they belong to (an error or a counted warning).
class GdalMessages {
public:
    struct Message {
        CPLErr type;
        std::string text;
    };
    GdalMessages();
    ~GdalMessages();
    GdalMessages(const GdalMessages&) = delete;
    GdalMessages& operator=(const GdalMessages&) = delete;

    size_t mark() const { return messages_.size(); }
    // The failures (errors) since a mark, joined; empty if none.
    std::string failures_since(size_t from) const;
    const std::vector<Message>& messages() const { return messages_; }

private:
    static void CPL_STDCALL handler(CPLErr type, CPLErrorNum, const char* msg);
    std::vector<Message> messages_;
};

// GDAL's warning about unclosed rings: minerisk closes them and reports each feature itself.
bool reported_elsewhere(const std::string& gdal_message);

}  // namespace minerisk::reader
