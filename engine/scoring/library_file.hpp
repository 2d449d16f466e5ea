// The checks a plugin library passes before dlopen() sees it. dlopen maps the file's segments as its ELF
// header describes them; a library cut short (a copy or a download that stopped) is mapped beyond its end,
// and the first touch of that page kills the process with SIGBUS, which no error handler can turn into a
// message. So the header is read and checked against the file's size first.
#pragma once
#include <string>

namespace minerisk::plugin_file {

// Why the file at `path` cannot be a shared library for this build of minerisk: missing, empty, too short,
// not ELF, another class (32/64-bit), byte order or machine, not a shared object, or with headers or
// segments beyond its end. "" when it may be handed to dlopen.
std::string library_problem(const std::string& path);

// The machine this build runs on, as library_problem names it ("x86-64", "AArch64").
std::string this_machine();

}  // namespace minerisk::plugin_file
