// UTF-8 checks and repairs for text that comes from outside (core/text.hpp).
#include <cstdint>

#include "core/text.hpp"

namespace minerisk::text {
namespace {

// The length of the well-formed UTF-8 sequence at s[i], 0 when the byte there does not start one.
size_t sequence_length(const std::string& s, size_t i) {
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80) return 1;
    size_t n;
    std::uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
    else return 0;  // a continuation byte alone, or 0xC0, 0xC1, 0xF5..0xFF which never start a sequence
    if (i + n > s.size()) return 0;
    for (size_t k = 1; k < n; ++k) {
        if ((b(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (b(i + k) & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and code points beyond Unicode are refused as nlohmann-json does.
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

void append_code_point(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// CP1252's characters for 0x80..0x9F (0 where CP1252 has none); from 0xA0 on it is Latin-1, the code point itself.
constexpr std::uint16_t kCp1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

constexpr std::uint32_t kReplacement = 0xFFFD;

template <class Byte>
std::string repair(const std::string& s, Byte byte) {
    std::string out;
    out.reserve(s.size() + 8);
    for (size_t i = 0; i < s.size();) {
        const size_t n = sequence_length(s, i);
        if (n) {
            out.append(s, i, n);
            i += n;
        } else {
            append_code_point(out, byte(static_cast<unsigned char>(s[i])));
            ++i;
        }
    }
    return out;
}

}  // namespace

bool is_utf8(const std::string& s) {
    for (size_t i = 0; i < s.size();) {
        const size_t n = sequence_length(s, i);
        if (!n) return false;
        i += n;
    }
    return true;
}

std::string recode_cp1252(const std::string& s) {
    if (is_utf8(s)) return s;
    return repair(s, [](unsigned char c) -> std::uint32_t {
        if (c >= 0xA0) return c;
        const std::uint16_t cp = kCp1252High[c - 0x80];
        return cp ? cp : kReplacement;
    });
}

std::string valid_utf8(const std::string& s) {
    if (is_utf8(s)) return s;
    return repair(s, [](unsigned char) { return kReplacement; });
}

}  // namespace minerisk::text
