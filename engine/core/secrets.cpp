// mask_secrets: the one function every message, warning and output that may quote an input's path or
// connection goes through (Error, the GDAL messages, the input layers' names and warnings, the report, the
// QGIS project). It errs on the side of masking: a few characters too many hidden is a cosmetic loss, a
// password shown is not. Forms masked (each secret becomes "***"):
//   - NAME=VALUE (spaces around '=' allowed, as libpq allows them) where NAME is, in any case, password,
//     passwd, pwd, secret, token, apikey, or contains one of SECRET, PASSWORD, TOKEN, USERPWD, ACCESS_KEY,
//     API_KEY, SIGNATURE, PRIVATE_KEY, CREDENTIAL: a PG: connection's password, GDAL's cloud credentials
//     (AWS_SECRET_ACCESS_KEY=, AWS_SESSION_TOKEN=, AZURE_STORAGE_SAS_TOKEN=, GDAL_HTTP_USERPWD=), a signed
//     URL's X-Amz-Signature=; VALUE plain, 'quoted' (with libpq's backslash escapes), "quoted" or {braced};
//   - in a URL's query (after '?' or '&') also key=, sig=, auth=, code=;
//   - the password of "scheme://user:VALUE@host", and "Bearer VALUE".
// A plain VALUE ends at a space or a quote (in a query also at '&', after ';' at ';'). Masking twice gives
// the same text. (include/minerisk/error.hpp declares it; docs/troubleshooting.md lists the forms.)
#include <cctype>
#include <string>

#include "minerisk/error.hpp"

namespace minerisk {
namespace {

bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }
bool space(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string upper_name(const std::string& text, size_t from, size_t to) {
    std::string s;
    for (size_t i = from; i < to; ++i) s += text[i] == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(text[i])));
    return s;
}

// Whether `name` (upper case, '-' as '_') names a secret: libpq's and ODBC's password keywords, GDAL's
// cloud credentials (AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AZURE_STORAGE_ACCESS_KEY, ..._SAS_TOKEN,
// GS_SECRET_ACCESS_KEY, GDAL_HTTP_USERPWD), a signed URL's X-Amz-Signature / X-Amz-Security-Token. In a
// URL's query (`in_query`) also the short names services use for API keys and signatures (?key=, &sig=).
bool secret_name(const std::string& name, bool in_query) {
    static const char* const exact[] = {"PASSWORD", "PASSWD", "PWD", "SECRET", "TOKEN", "APIKEY", "API_KEY"};
    static const char* const parts[] = {"PASSWORD", "PASSWD", "SECRET", "TOKEN", "USERPWD", "ACCESS_KEY",
                                        "ACCESSKEY", "API_KEY", "APIKEY", "SIGNATURE", "PRIVATE_KEY", "CREDENTIAL"};
    static const char* const query[] = {"KEY", "SIG", "AUTH", "CODE"};
    for (const char* e : exact)
        if (name == e) return true;
    for (const char* p : parts)
        if (name.find(p) != std::string::npos) return true;
    if (in_query)
        for (const char* q : query)
            if (name == q) return true;
    return false;
}

// The end of a value that starts at `j`. Quoted values ('...' with backslash escapes as libpq writes them,
// "...", ODBC's {...}) end after their closing quote. A plain value ends at a space or a quote; in a URL's
// query also at '&' and '#', and after an ODBC-style ';' (…;PWD=x;…) at ';'. A libpq value may hold ';' or
// ',': they are not ends there, so that no part of such a password is shown.
size_t value_end(const std::string& text, size_t j, bool in_query, bool after_semicolon) {
    const size_t n = text.size();
    if (j < n && (text[j] == '\'' || text[j] == '"' || text[j] == '{')) {
        const char close = text[j] == '{' ? '}' : text[j];
        ++j;
        while (j < n && text[j] != close) j += (text[j] == '\\' && close == '\'') ? 2 : 1;
        return j < n ? j + 1 : n;
    }
    while (j < n && !space(text[j]) && text[j] != '\'' && text[j] != '"') {
        if (in_query && (text[j] == '&' || text[j] == '#')) break;
        if (after_semicolon && text[j] == ';') break;
        j += text[j] == '\\' ? 2 : 1;
    }
    return j < n ? j : n;
}

// At `i`, "NAME = VALUE" with NAME a secret's name: the position after the '=' (and the spaces around
// it), or 0 if there is none.
size_t secret_key_at(const std::string& text, size_t i, bool& in_query, bool& after_semicolon) {
    if (i > 0 && name_char(text[i - 1])) return 0;
    size_t e = i;
    while (e < text.size() && name_char(text[e])) ++e;
    if (e == i) return 0;
    size_t k = e;
    while (k < text.size() && text[k] == ' ') ++k;
    if (k >= text.size() || text[k] != '=') return 0;
    in_query = i > 0 && (text[i - 1] == '?' || text[i - 1] == '&');
    after_semicolon = i > 0 && text[i - 1] == ';';
    if (!secret_name(upper_name(text, i, e), in_query)) return 0;
    ++k;
    while (k < text.size() && text[k] == ' ') ++k;
    return k;
}

// At `i` (just after "://"), the user information of a URL "user:VALUE@host": the position of VALUE and of
// its '@' (the last one of the authority, as a password may hold an '@'), or false.
bool url_password_at(const std::string& text, size_t i, size_t& from, size_t& at) {
    size_t end = i;
    while (end < text.size() && !space(text[end]) && text[end] != '/' && text[end] != '?' && text[end] != '#' &&
           text[end] != '\'' && text[end] != '"')
        ++end;
    at = text.rfind('@', end == 0 ? 0 : end - 1);
    if (at == std::string::npos || at < i || at >= end) return false;
    const size_t colon = text.find(':', i);
    if (colon == std::string::npos || colon >= at) return false;
    from = colon + 1;
    return true;
}

}  // namespace

std::string mask_secrets(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        bool in_query = false, after_semicolon = false;
        if (const size_t v = secret_key_at(text, i, in_query, after_semicolon)) {
            out.append(text, i, v - i);
            // Masked once already (a warning built from a masked name): left as it is, so masking twice
            // gives the same text.
            const size_t end = text.compare(v, 3, "***") == 0 ? v + 3 : value_end(text, v, in_query, after_semicolon);
            if (end > v) out += "***";
            i = end;
            continue;
        }
        if (text.compare(i, 3, "://") == 0) {
            size_t from = 0, at = 0;
            if (url_password_at(text, i + 3, from, at)) {
                out.append(text, i, from - i);
                out += "***@";
                i = at + 1;
                continue;
            }
        }
        // "Bearer VALUE" (an HTTP Authorization header, e.g. in GDAL_HTTP_HEADERS)
        if ((i == 0 || !name_char(text[i - 1])) && text.size() > i + 7 && upper_name(text, i, i + 7) == "BEARER ") {
            const size_t v = i + 7;
            const size_t end = text.compare(v, 3, "***") == 0 ? v + 3 : value_end(text, v, true, true);
            out.append(text, i, 7);
            if (end > v) out += "***";
            i = end;
            continue;
        }
        out += text[i++];
    }
    return out;
}

}  // namespace minerisk
