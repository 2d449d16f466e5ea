// Quotes left open in a YAML text. yaml-cpp accepts a quoted value that runs on over the following lines (to
// the next quote, or to the end of the file), so `name: "Sector north` on line 1 swallows the rest of the
// file and the parser would then say "the scenario has no 'resolution'". A quoted value whose lines look
// like "key:" lines is reported as the quote left open, where it was opened.
#pragma once
#include <yaml-cpp/yaml.h>

#include <string>

namespace minerisk::yaml {

// Walks the parsed document: the first scalar whose quote opens on its line and runs over lines that look
// like keys is an Error at that quote. Also refuses a document nested beyond reason (an alias inside the
// node it names).
void check_unclosed_quotes(const YAML::Node& root, const std::string& text, const std::string& file);

// After a YAML syntax error at `error_line`: the first value before that line that opens a quote and does not
// close it on its line, with lines that look like keys after it, is an Error. Such a quote is usually the
// real mistake, and YAML gives up only later, at the next quote.
void check_quotes_before(const std::string& text, int error_line, const std::string& file);

}  // namespace minerisk::yaml
