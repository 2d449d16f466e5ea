// A small XML element tree for the QGIS exports: built in memory, printed with every attribute value and
// text escaped, so that the styles and the project are well-formed whatever names the inputs carry.
#pragma once
#include <deque>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace minerisk::qgis {

// Escapes text for an XML attribute value or element content: & < > " ' become entities, tab, newline and
// carriage return become character references (so attribute values keep them), and other control characters,
// which XML 1.0 forbids, become spaces.
std::string xml_escape(std::string_view text);

// A number as text that reads back to the same double: fixed notation with the fewest decimals ("0.5", "500000",
// "-3"), scientific only for very large or very small magnitudes.
std::string number_text(double value);

class Xml {
public:
    explicit Xml(std::string name) : name_(std::move(name)) {}

    Xml& attr(const std::string& key, const std::string& value);
    Xml& attr(const std::string& key, const char* value) { return attr(key, std::string(value)); }
    Xml& attr(const std::string& key, double value) { return attr(key, number_text(value)); }
    Xml& attr(const std::string& key, int value) { return attr(key, std::to_string(value)); }
    Xml& text(std::string text);
    Xml& add(Xml child);                   // appends a child, returns this element
    Xml& child(const std::string& name);   // appends an empty child, returns the child
    Xml& child(const std::string& name, const std::string& text);  // <name>text</name>, returns the child

    const std::string& name() const { return name_; }
    const std::string& text_value() const { return text_; }
    const std::deque<Xml>& children() const { return children_; }

    // The element, indented by `depth` levels of two spaces, one element per line.
    std::string str(int depth = 0) const;

private:
    void print(std::string& out, int depth) const;

    std::string name_;
    std::vector<std::pair<std::string, std::string>> attrs_;
    std::string text_;
    std::deque<Xml> children_;  // a deque: references returned by child() stay valid as children are added
};

// The document type line QGIS writes at the top of .qml and .qgs files.
inline constexpr const char* kQgisDoctype = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>";

// The QGIS version the files are written for (QGIS reads files of its own and older versions).
inline constexpr const char* kQgisVersion = "3.22.0-Białowieża";

}  // namespace minerisk::qgis
