#!/usr/bin/env python3
"""The man page and the bash completion of minerisk, made from the program's own --help (and each command's), so
that neither can say other than the program does. Run at build time (cli/CMakeLists.txt):

    help_docs.py MINERISK man OUT.1        roff, for share/man/man1
    help_docs.py MINERISK completion OUT   bash, for share/bash-completion/completions/minerisk

It reads CLI11's help layout: a description line, "Usage: ...", then sections ("Positionals:", "Options:",
"[Option Group: NAME]" with its own indented "Options:", "Subcommands:") and, after them, the footer text.
The tests (tests/docs) check the results against the help again."""
import re
import subprocess
import sys

SECTION = re.compile(r"^( *)(Positionals|Options|Subcommands):$")
GROUP = re.compile(r"^\[Option Group: (.*)\]$")


def run_help(exe, args):
    out = subprocess.run([exe] + args + ["--help"], check=True, capture_output=True, text=True).stdout
    return out.splitlines()


def parse(lines):
    """{description, usage, entries: [(section, spec, text)], footer: [lines]} from one --help."""
    help = {"description": lines[0].strip(), "usage": "", "entries": [], "footer": []}
    section, i = None, 1
    while i < len(lines):
        line = lines[i]
        if line.startswith("Usage: "):
            # The program's own path as run at build time is no part of the usage: "minerisk run ...".
            words = line[len("Usage: "):].split(" ")
            help["usage"] = " ".join(["minerisk"] + words[1:])
        elif SECTION.match(line):
            section = SECTION.match(line).group(2)
        elif GROUP.match(line):
            section = "Options"
        elif section and re.match(r"^ {2,}\S", line) and not line.startswith("      " * 5):
            indent = len(line) - len(line.lstrip())
            body = line.strip()
            parts = re.split(r" {2,}", body, maxsplit=1)
            spec, text = parts[0], parts[1] if len(parts) > 1 else ""
            col = indent + 28  # CLI11's column of descriptions; a name that fills it is followed by one space
            if len(parts) == 1 and len(line) > col and line[col - 1] == " " and line[col] != " ":
                spec, text = line[indent:col].strip(), line[col:].strip()
            if section == "Options" and not spec.startswith("-"):
                # A group's description line (indented, no option): part of the page, not an option.
                help["entries"].append(("Group", "", body))
            else:
                # The description may follow on the next line, indented further.
                while not text and i + 1 < len(lines) and len(lines[i + 1]) - len(lines[i + 1].lstrip()) > indent + 4:
                    i += 1
                    text = lines[i].strip()
                help["entries"].append((section, spec, text))
        elif section and line.strip() == "":
            pass
        elif section and not line.startswith(" "):
            help["footer"] = lines[i:]
            break
        i += 1
    while help["footer"] and not help["footer"][0].strip():
        help["footer"].pop(0)
    return help


def option_names(spec):
    """("-o", "--output"), "TEXT REQUIRED" from "-o,--output TEXT REQUIRED"."""
    head, _, rest = spec.partition(" ")
    return [n for n in head.split(",") if n], rest


def commands(main):
    return [(spec, text) for sec, spec, text in main["entries"] if sec == "Subcommands"]


# ---- roff -----------------------------------------------------------------------------------------------------

def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def roff_entries(help, out):
    for sec, spec, text in help["entries"]:
        if sec == "Group":
            out.append(".PP")
            out.append(roff(text))
            continue
        if sec == "Subcommands":
            continue
        out.append(".TP")
        if sec == "Positionals":
            name, _, rest = spec.partition(" ")
            out.append("\\fI%s\\fR %s" % (roff(name), roff(rest)))
        else:
            names, rest = option_names(spec)
            out.append(", ".join("\\fB%s\\fR" % roff(n) for n in names) + (" \\fI%s\\fR" % roff(rest) if rest else ""))
        out.append(roff(text))


def roff_footer(lines, out):
    if not any(l.strip() for l in lines):
        return
    out.append(".PP")
    for l in lines:
        out.append(".PP" if not l.strip() else roff(l.strip()))


def man_page(exe, version):
    main = parse(run_help(exe, []))
    out = ['.\\" Generated at build time from `minerisk --help` and each command\'s --help (cmake/help_docs.py).',
           '.TH MINERISK 1 "" "%s" "User Commands"' % roff(version),
           ".SH NAME", "minerisk \\- " + roff(main["description"].split(": ", 1)[-1]),
           ".SH SYNOPSIS"]
    for name, _ in commands(main):
        out.append(".br")
        out.append(roff(parse(run_help(exe, [name]))["usage"]))
    out += [".SH DESCRIPTION", "\\fBminerisk\\fR " + roff(main["description"].split(": ", 1)[-1]) + ".", ".SH OPTIONS",
            "These come before the command, e.g. \\fBminerisk \\-q run\\fR ...."]
    roff_entries(main, out)
    out.append(".SH COMMANDS")
    for name, text in commands(main):
        sub = parse(run_help(exe, [name]))
        out.append('.SS "%s"' % roff(sub["usage"]))
        out.append(roff(text))
        roff_entries(sub, out)
        roff_footer([l for l in sub["footer"] if l.strip() != version], out)
    out += [".SH EXIT STATUS",
            "0 done; 1 an error the user can fix (one line on stderr: where, what, what to do); 2 the command line "
            "itself is wrong; 3 an internal error (a bug: please report it).",
            ".SH FILES", ".TP", "/usr/share/minerisk/demo", "the demo scenario and its synthetic data (\\fBminerisk demo\\fR)",
            ".TP", "/usr/lib/minerisk/plugins", "the built-in scoring plugins (\\fBminerisk plugins\\fR lists them)",
            ".SH SEE ALSO", "\\fBgdalinfo\\fR(1), \\fBogrinfo\\fR(1); the documentation in the source tree's docs/ folder."]
    return "\n".join(out) + "\n"


# ---- bash completion -----------------------------------------------------------------------------------------

def values_of(rest):
    """The words an option's value can be ({a,b} in its type), or a kind: "file", "dir", ""."""
    m = re.search(r"\{([^}]*)\}", rest)
    if m:
        return m.group(1).replace(",", " ")
    return ""


def completion(exe, version):
    main = parse(run_help(exe, []))
    names = [n for n, _ in commands(main)]
    lines = ["# bash completion for %s, generated at build time from its --help (cmake/help_docs.py)." % version,
             "# Completes the commands, each command's options, the words an option takes, folders for -o and",
             "# files for a scenario.", "",
             "_minerisk_opts() {", '  case "$1" in']
    valued, words, dirs = set(), {}, set()

    def collect(help):
        opts = []
        for sec, spec, _ in help["entries"]:
            if sec != "Options":
                continue
            ns, rest = option_names(spec)
            opts += ns
            # An option with a type (TEXT, INT, ...) takes a value; a flag has none.
            if rest and re.match(r"[A-Z]", rest):
                valued.update(ns)
                if values_of(rest):
                    for n in ns:
                        words[n] = values_of(rest)
                if "--output" in ns:
                    dirs.update(ns)
        return opts

    global_opts = collect(main)
    for n in names:
        lines.append('    %s) echo "%s" ;;' % (n, " ".join(collect(parse(run_help(exe, [n]))))))
    lines += ['    *) echo "%s" ;;' % " ".join(global_opts), "  esac", "}", ""]
    positional = [n for n in names if re.search(r"\bscenario\b", parse(run_help(exe, [n]))["usage"])]
    lines += ["_minerisk() {",
              '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" i',
              '  [[ $COMP_CWORD -gt 0 ]] && prev="${COMP_WORDS[COMP_CWORD-1]}"',
              "  COMPREPLY=()",
              '  for ((i = 1; i < COMP_CWORD; i++)); do',
              '    case "${COMP_WORDS[i]}" in %s) cmd="${COMP_WORDS[i]}"; break ;; esac' % "|".join(names),
              "  done",
              '  case "$prev" in']
    for n, w in sorted(words.items()):
        lines.append('    %s) COMPREPLY=($(compgen -W "%s" -- "$cur")); return ;;' % (n, w))
    if dirs:
        lines.append('    %s) COMPREPLY=($(compgen -d -- "$cur")); return ;;' % "|".join(sorted(dirs)))
    rest = sorted(valued - set(words) - dirs)
    if rest:
        lines.append("    %s) return ;;  # a number or a name: nothing to offer" % "|".join(rest))
    lines += ["  esac",
              '  if [[ "$cur" == -* ]]; then',
              '    COMPREPLY=($(compgen -W "$(_minerisk_opts "$cmd")" -- "$cur"))',
              '  elif [[ -z "$cmd" ]]; then',
              '    COMPREPLY=($(compgen -W "%s" -- "$cur"))' % " ".join(names),
              '  else',
              '    case "$cmd" in %s) COMPREPLY=($(compgen -f -- "$cur")) ;; esac  # the scenario file'
              % "|".join(positional or ["run"]),
              "  fi",
              "}",
              "complete -o filenames -F _minerisk minerisk", ""]
    return "\n".join(lines)


def main():
    exe, what, out = sys.argv[1:4]
    version = subprocess.run([exe, "--version"], check=True, capture_output=True, text=True).stdout.split(" (")[0].strip()
    text = man_page(exe, version) if what == "man" else completion(exe, version)
    with open(out, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
