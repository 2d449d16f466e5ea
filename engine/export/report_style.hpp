// The stylesheet and the head of the HTML reports (engine-private): one source for the run report and the
// backtest report.
#pragma once
#include <string>

namespace minerisk::report_style {

enum class Page { run, backtest };

// The text of the page's <style> element (it starts with a newline).
const std::string& stylesheet(Page page);

// A self-contained page's start, up to and with "<body>\n": the doctype, the meta lines (a Content-Security-Policy
// that loads nothing but inline styles and data: images, the generator with minerisk's version), the title
// (escaped here) and the stylesheet.
std::string page_head(const std::string& title, Page page);

}  // namespace minerisk::report_style
