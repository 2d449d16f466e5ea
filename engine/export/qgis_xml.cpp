#include "export/qgis_xml.hpp"

#include <charconv>
#include <cmath>

#include "core/text.hpp"

namespace minerisk::qgis {

std::string xml_escape(std::string_view raw) {
    // The project is UTF-8 XML: a byte that is not UTF-8 (a path in Latin-1) would make QGIS refuse it whole.
    const std::string text = text::valid_utf8(std::string(raw));
    std::string out;
    out.reserve(text.size());
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            case '\t': out += "&#9;"; break;
            case '\n': out += "&#10;"; break;
            case '\r': out += "&#13;"; break;
            default: out += (c < 0x20 || c == 0x7f) ? ' ' : ch;
        }
    }
    return out;
}

std::string number_text(double value) {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    if (value == 0) return "0";  // also -0
    // std::to_chars/from_chars: independent of the C locale (a decimal comma would break QGIS's parsing).
    char buf[512];
    const double a = std::fabs(value);
    if (a >= 1e-6 && a < 1e15) {
        for (int decimals = 0; decimals <= 17; ++decimals) {
            const auto r = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, decimals);
            double back = 0;
            std::from_chars(buf, r.ptr, back);
            if (back == value) return std::string(buf, r.ptr);
        }
    }
    const auto r = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, r.ptr);
}

Xml& Xml::attr(const std::string& key, const std::string& value) {
    for (auto& [k, v] : attrs_)
        if (k == key) {
            v = value;
            return *this;
        }
    attrs_.emplace_back(key, value);
    return *this;
}

Xml& Xml::text(std::string text) {
    text_ = std::move(text);
    return *this;
}

Xml& Xml::add(Xml child) {
    children_.push_back(std::move(child));
    return *this;
}

Xml& Xml::child(const std::string& name) {
    children_.emplace_back(name);
    return children_.back();
}

Xml& Xml::child(const std::string& name, const std::string& text) {
    return child(name).text(text);
}

std::string Xml::str(int depth) const {
    std::string out;
    print(out, depth);
    return out;
}

void Xml::print(std::string& out, int depth) const {
    const std::string indent(static_cast<size_t>(depth) * 2, ' ');
    out += indent + "<" + name_;
    for (const auto& [k, v] : attrs_) out += " " + k + "=\"" + xml_escape(v) + "\"";
    if (children_.empty() && text_.empty()) {
        out += "/>\n";
        return;
    }
    out += ">";
    out += xml_escape(text_);
    if (!children_.empty()) {
        out += "\n";
        for (const auto& c : children_) c.print(out, depth + 1);
        out += indent;
    }
    out += "</" + name_ + ">\n";
}

}  // namespace minerisk::qgis
