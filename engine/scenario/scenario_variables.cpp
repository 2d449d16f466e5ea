// `${NAME}` in a scenario file, replaced by --var values or environment variables before the YAML is parsed,
// so that one scenario can point at data kept elsewhere.
#include <cstdlib>

#include "minerisk/scenario.hpp"

namespace minerisk {

std::string expand_variables(const std::string& text, const std::map<std::string, std::string>& vars,
                             const std::string& file) {
    std::string out;
    int line = 1, column = 1;
    // A comment is left as it is: '${X}' in a commented-out line must not need X. A '#' starts a comment at the
    // start of a line or after a space, outside a quoted scalar (one that opens with a quote after ': ', '- ',
    // '[', '{' or ','); both end with the line, as in the scenarios we read.
    bool in_comment = false;
    char quote = 0;
    for (size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (c == '\n') {
            in_comment = false, quote = 0;
        } else if (!in_comment && quote) {
            if (c == '\'' && quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
                out += text[i++], ++column;  // '' is a quote inside a single-quoted string
            } else if (c == quote) {
                quote = 0;
            } else if (c == '\\' && quote == '"' && i + 1 < text.size() && text[i + 1] != '\n') {
                out += text[i++], ++column;  // an escaped character cannot close the string
            }
        } else if (!in_comment && c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || text[i - 1] == '\n')) {
            in_comment = true;
        } else if (!in_comment && (c == '"' || c == '\'')) {
            size_t k = i;
            while (k > 0 && (text[k - 1] == ' ' || text[k - 1] == '\t')) --k;
            const char before = k == 0 ? '\n' : text[k - 1];
            if (before == ':' || before == '-' || before == '[' || before == '{' || before == ',' || before == '\n') quote = c;
        }
        if (!in_comment && text.compare(i, 2, "${") == 0) {
            const size_t end = text.find('}', i + 2);
            if (end != std::string::npos && text.find('\n', i) > end) {
                const std::string name = text.substr(i + 2, end - i - 2);
                auto it = vars.find(name);
                const char* env = std::getenv(name.c_str());
                if (it == vars.end() && !env)
                    throw Error("the variable ${" + name + "} has no value", Location{file, line, column},
                                "give it with --var " + name + "=VALUE, or set the environment variable " + name);
                const std::string value = it != vars.end() ? it->second : std::string(env);
                out += value;
                column += static_cast<int>(end + 1 - i);
                i = end + 1;
                continue;
            }
        }
        if (text[i] == '\n') ++line, column = 0;
        out += text[i++];
        ++column;
    }
    return out;
}

}  // namespace minerisk
