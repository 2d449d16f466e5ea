// The one stylesheet of minerisk's HTML reports: the run report (report.html) and the backtest report
// (backtest.html) share most rules; each takes its own besides, in one order, so that each page's <style> is
// what it always was.
#include "export/report_style.hpp"

#include "export/report_format.hpp"
#include "minerisk/version.hpp"

namespace minerisk::report_style {

namespace {

enum : unsigned { kRun = 1, kBacktest = 2, kBoth = kRun | kBacktest };

struct Rules {
    unsigned pages;
    const char* css;
};

// The headline figures (.figures of .fig boxes): both pages have them, in a different place.
const char* const kFigures =
    ".figures { display: flex; flex-wrap: wrap; gap: 10px; margin: 8px 0 4px; }\n"
    ".fig { border: 1px solid var(--line); border-radius: 4px; padding: 8px 14px; min-width: 150px; background: #fafbfd; }\n"
    ".fig .num { display: block; font-size: 1.55em; font-weight: 700; color: var(--accent); }\n"
    ".fig .lbl { color: var(--muted); font-size: 0.9em; }\n";

const Rules kSheet[] = {
    {kBoth,
        ":root { --ink: #1b1b1b; --muted: #5a5a5a; --line: #c9ccd3; --accent: #102070; --head: #eceff6; }\n"
        "* { box-sizing: border-box; }\n"
        "body { font-family: system-ui, \"Segoe UI\", Roboto, \"Noto Sans\", \"DejaVu Sans\", \"Liberation Sans\", Arial, sans-serif;\n"
        "       color: var(--ink); background: #fff; margin: 0 auto; max-width: 1320px; padding: 16px 24px 40px;\n"
        "       font-size: 15px; line-height: 1.45; }\n"
        "h1 { font-size: 1.65em; margin: 0.2em 0 0.1em; color: var(--accent); }\n"
        "h2 { font-size: 1.25em; margin: 1.6em 0 0.5em; padding-bottom: 3px; border-bottom: 2px solid var(--accent); }\n"
        "h3 { font-size: 1.05em; margin: 1.1em 0 0.4em; }\n"},
    {kBacktest,
        "p, ul { margin: 0.4em 0 0.7em; max-width: 75em; }\n"},
    {kRun,
        "p { margin: 0.4em 0 0.7em; max-width: 75em; }\n"},
    {kBoth,
        ".sub { color: var(--muted); margin-top: 0; }\n"
        ".muted { color: var(--muted); }\n"
        ".small { font-size: 0.88em; }\n"
        "nav { margin: 10px 0 4px; font-size: 0.92em; }\n"
        "nav a { margin-right: 12px; color: var(--accent); }\n"
        ".note { border-left: 4px solid #e0a000; background: #fff8e6; padding: 6px 10px; max-width: 75em; }\n"},
    {kRun, kFigures},
    {kBoth,
        "table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin: 6px 0 10px; }\n"
        "th, td { border: 1px solid var(--line); padding: 4px 7px; vertical-align: top; text-align: left; }\n"
        "thead th { background: var(--head); font-weight: 600; }\n"
        "tbody tr:nth-child(even) { background: #f8f9fb; }\n"
        "td.n, th.n { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }\n"},
    {kBacktest,
        "tr.model td { font-weight: 600; }\n"
        ".ci { color: var(--muted); font-weight: normal; font-size: 0.88em; }\n"
        "table.backtest { width: auto; min-width: 60%; }\n"
        "table.backtest td.name { white-space: nowrap; }\n"
        "table.backtest th.n { white-space: normal; min-width: 6.5em; }\n"},
    {kBacktest, kFigures},
    {kBacktest,
        "dl.surfaces dt { font-weight: 600; float: left; clear: left; min-width: 15em; }\n"
        "dl.surfaces dd { margin: 0 0 3px 15.5em; }\n"
        "table.kv { width: auto; }\n"},
    {kRun,
        "th.rank { font-size: 1.15em; text-align: center; color: var(--accent); white-space: nowrap; }\n"
        "th.rank .zid { display: block; font-size: 0.7em; font-weight: normal; color: var(--muted); }\n"
        "th.rank .maplink { display: block; font-size: 0.7em; font-weight: normal; }\n"
        // The zone maps: as many 240 px maps in a row as fit, down to one on a phone.
        ".zone-maps { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px; }\n"
        ".zone-maps figure { margin: 0; }\n"
        ".zone-maps img { width: 100%; max-width: 240px; height: auto; display: block; }\n"
        ".action { font-weight: 600; color: var(--accent); }\n"
        ".nowrap { white-space: nowrap; }\n"
        "table.zones-rest th.rank { font-size: 1em; text-align: left; }\n"
        "table.zones-rest th.rank .zid { display: inline; margin-left: 6px; }\n"
        // No fixed widths and no scrolling box: a table always fits the page's width, long words (ids, file names)
        // break rather than push the page wider than the screen.
        "body { overflow-wrap: break-word; }\n"
        "td.path { overflow-wrap: anywhere; }\n"
        "img { max-width: 100%; height: auto; }\n"},
    {kBacktest,
        ".wide { overflow-x: auto; }\n"},
    {kRun,
        ".list { color: var(--muted); font-size: 0.92em; }\n"
        "table.kv { width: auto; }\n"},
    {kBoth,
        "table.kv th { background: var(--head); white-space: nowrap; }\n"},
    {kBacktest,
        "pre { background: #f6f7fa; border: 1px solid var(--line); padding: 8px 10px; overflow-x: auto; font-size: 0.88em; max-width: 75em; }\n"},
    {kBoth,
        "figure { margin: 8px 0; }\n"
        "figure img { max-width: 100%; height: auto; border: 1px solid var(--line); }\n"
        "figcaption { color: var(--muted); font-size: 0.9em; margin-top: 4px; }\n"
        "ol.warnings li { margin-bottom: 4px; }\n"},
    {kRun,
        "ol.first li { margin-bottom: 6px; }\n"
        // A phone: each row of a table with a header becomes a card of "header: value" lines (data-label, set on
        // every body cell by report_cells.cpp), so no table is wider than the screen.
        "@media screen and (max-width: 700px) {\n"
        "  body { padding: 10px 12px 30px; }\n"
        "  th, td { overflow-wrap: anywhere; }\n"
        "  table.kv th { white-space: normal; }\n"
        "  table:has(thead), table:has(thead) tbody, table:has(thead) tr, table:has(thead) tbody td, table:has(thead) tbody th "
        "{ display: block; width: auto; }\n"
        "  table:has(thead) thead { display: none; }\n"
        "  table:has(thead) tbody tr { border: 1px solid var(--line); border-radius: 4px; margin: 0 0 10px; padding: 4px 8px; }\n"
        "  table:has(thead) tbody td, table:has(thead) tbody th { border: none; padding: 2px 0; text-align: left; white-space: normal; }\n"
        "  table:has(thead) tbody [data-label]::before { content: attr(data-label) \": \"; font-weight: 600; color: var(--muted); }\n"
        "  table:has(thead) tbody .n, th.rank { text-align: left; }\n"
        "  th.rank .zid { display: inline; margin-left: 8px; }\n"
        "  .fig { min-width: 0; flex: 1 1 40%; }\n"
        "}\n"},
    {kBoth,
        "footer { margin-top: 2.5em; color: var(--muted); font-size: 0.85em; border-top: 1px solid var(--line); padding-top: 6px; }\n"
        "@page { size: A4 landscape; margin: 12mm; }\n"
        "@media print {\n"
        "  body { font-size: 9.5pt; max-width: none; padding: 0; }\n"
        "  nav { display: none; }\n"},
    {kRun,
        "  a { color: inherit; text-decoration: none; }\n"},
    {kBoth,
        "  h2, h3 { break-after: avoid; page-break-after: avoid; }\n"},
    {kBacktest,
        "  tr, figure, .note { break-inside: avoid; page-break-inside: avoid; }\n"},
    {kRun,
        "  tr, figure, .fig, .note { break-inside: avoid; page-break-inside: avoid; }\n"
        "  thead { display: table-header-group; }\n"
        "  body { font-size: 8pt; line-height: 1.3; }\n"
        "  h2 { margin-top: 1em; }\n"
        "  th, td { padding: 2px 4px; }\n"
        "  #map figure img { max-height: 100mm; width: auto; }\n"
        // Printed, the zone maps are one strip of thumbnails (the demo's report stays under 15 A4 pages); the zone
        // atlas of minerisk.qgs prints each zone on its own page.
        "  .zone-maps { grid-template-columns: repeat(10, 1fr); gap: 2px 4px; }\n"
        "  .zone-maps figcaption { font-size: 0.8em; }\n"
        "  .zone-maps figcaption .more, #zone-maps p { display: none; }\n"
        "  th.rank .maplink { display: none; }\n"
        "  table.zones-rest, table.stability { font-size: 0.85em; }\n"
        "  table.zones-rest th, table.zones-rest td, table.stability th, table.stability td { padding: 1px 4px; }\n"
        "  table.zones-rest th, table.zones-rest td { padding: 0 4px; line-height: 1.1; }\n"
        "  .fig { min-width: 0; padding: 4px 10px; }\n"
        "  .fig .num { font-size: 1.3em; }\n"},
    {kBoth,
        "  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
        "}\n"},
};

std::string sheet_for(unsigned page) {
    std::string css = "\n";
    for (const Rules& r : kSheet)
        if (r.pages & page) css += r.css;
    return css;
}

}  // namespace

const std::string& stylesheet(Page page) {
    static const std::string run = sheet_for(kRun), backtest = sheet_for(kBacktest);
    return page == Page::run ? run : backtest;
}

std::string page_head(const std::string& title, Page page) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">\n"
           "<meta name=\"generator\" content=\"minerisk " +
           report::html_escape(MINERISK_VERSION_STRING) + "\">\n<title>" + report::html_escape(title) +
           "</title>\n<style>" + stylesheet(page) + "</style>\n</head>\n<body>\n";
}

}  // namespace minerisk::report_style
