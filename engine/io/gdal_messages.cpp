// GDAL's messages, caught by an error handler and tidied for the one-line messages minerisk gives.
#include "io/gdal_messages.hpp"

#include <cctype>
#include <set>

#include "minerisk/error.hpp"

namespace minerisk::reader {
namespace {

// GDAL's messages can be very long (a whole SQL statement before "failed: <reason>"): keep the reason.
std::string tidy_gdal_message(std::string m) {
    // One line: libpq and others write several ("...failed.\nconnection to server ...\n\tIs the server ...").
    std::string flat;
    for (size_t i = 0; i < m.size(); ++i) {
        if (m[i] == '\n' || m[i] == '\r' || m[i] == '\t') {
            while (!flat.empty() && flat.back() == ' ') flat.pop_back();
            if (!flat.empty()) flat += ' ';
            while (i + 1 < m.size() && std::isspace(static_cast<unsigned char>(m[i + 1]))) ++i;
        } else {
            flat += m[i];
        }
    }
    m = mask_secrets(flat);
    if (m.rfind("PQconnectdb failed. ", 0) == 0) m = m.substr(20);
    while (!m.empty() && (m.back() == '\n' || m.back() == ' ' || m.back() == '.')) m.pop_back();
    if (m.size() > 160) {
        const auto p = m.rfind("failed: ");
        if (p != std::string::npos) m = m.substr(p + 8);
    }
    if (m.size() > 240) m = m.substr(0, 237) + "...";
    return m;
}

}  // namespace

GdalMessages::GdalMessages() { CPLPushErrorHandlerEx(&GdalMessages::handler, this); }
GdalMessages::~GdalMessages() { CPLPopErrorHandler(); }

std::string GdalMessages::failures_since(size_t from) const {
    std::string s;
    std::set<std::string> seen;
    for (size_t i = from; i < messages_.size(); ++i)
        if (messages_[i].type >= CE_Failure && seen.insert(messages_[i].text).second)
            s += (s.empty() ? "" : "; ") + messages_[i].text;
    return s;
}

void CPL_STDCALL GdalMessages::handler(CPLErr type, CPLErrorNum, const char* msg) {
    auto* self = static_cast<GdalMessages*>(CPLGetErrorHandlerUserData());
    if (!self || type == CE_None || type == CE_Debug || !msg) return;
    if (self->messages_.size() < 10000) self->messages_.push_back({type, tidy_gdal_message(msg)});
}

bool reported_elsewhere(const std::string& gdal_message) {
    return gdal_message.find("Non closed ring detected") != std::string::npos;
}

}  // namespace minerisk::reader
