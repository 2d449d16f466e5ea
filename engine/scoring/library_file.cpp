// The ELF header and size checks of a plugin library before dlopen (library_file.hpp).
#include "scoring/library_file.hpp"

#include <elf.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <type_traits>
#include <vector>

namespace minerisk::plugin_file {
namespace {

#if defined(__x86_64__)
constexpr int kMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr int kMachine = EM_AARCH64;
#elif defined(__i386__)
constexpr int kMachine = EM_386;
#elif defined(__arm__)
constexpr int kMachine = EM_ARM;
#elif defined(__riscv)
constexpr int kMachine = EM_RISCV;
#elif defined(__powerpc64__)
constexpr int kMachine = EM_PPC64;
#elif defined(__s390x__)
constexpr int kMachine = EM_S390;
#else
constexpr int kMachine = -1;  // an unlisted machine: dlopen alone judges it
#endif

constexpr bool k64 = sizeof(void*) == 8;
using Ehdr = std::conditional_t<k64, Elf64_Ehdr, Elf32_Ehdr>;
using Phdr = std::conditional_t<k64, Elf64_Phdr, Elf32_Phdr>;

std::string machine_name(int m) {
    switch (m) {
        case EM_X86_64: return "x86-64";
        case EM_AARCH64: return "AArch64";
        case EM_386: return "x86 (32-bit)";
        case EM_ARM: return "ARM (32-bit)";
        case EM_RISCV: return "RISC-V";
        case EM_PPC64: return "PowerPC 64";
        case EM_S390: return "s390x";
        default: return "machine " + std::to_string(m);
    }
}

bool little_endian() {
    const unsigned one = 1;
    unsigned char first;
    std::memcpy(&first, &one, 1);
    return first == 1;
}

// Whether [offset, offset + count * size) lies inside a file of `file_size` bytes, without overflow.
bool within(unsigned long long offset, unsigned long long count, unsigned long long size,
            unsigned long long file_size) {
    if (offset > file_size) return false;
    if (size != 0 && count > (file_size - offset) / size) return false;
    return true;
}

std::string header_problem(const Ehdr& h, unsigned long long file_size) {
    if (h.e_ident[EI_CLASS] != (k64 ? ELFCLASS64 : ELFCLASS32))
        return std::string("it is a ") + (h.e_ident[EI_CLASS] == ELFCLASS32 ? "32" : "64") +
               "-bit library, and this minerisk is " + (k64 ? "64" : "32") + "-bit";
    if (h.e_ident[EI_DATA] != (little_endian() ? ELFDATA2LSB : ELFDATA2MSB))
        return "it is built for the other byte order than this machine's";
    if (kMachine >= 0 && h.e_machine != kMachine)
        return "it is built for " + machine_name(h.e_machine) + ", and this machine is " + this_machine();
    if (h.e_type != ET_DYN)
        return h.e_type == ET_EXEC ? "it is a program, not a shared library"
                                   : h.e_type == ET_REL ? "it is an object file (.o), not a shared library (link it with -shared)"
                                                        : "it is not a shared library";
    if (h.e_phoff == 0 || h.e_phnum == 0 || h.e_phentsize != sizeof(Phdr))
        return "its ELF header has no usable program headers";
    if (!within(h.e_phoff, h.e_phnum, h.e_phentsize, file_size) ||
        (h.e_shoff != 0 && !within(h.e_shoff, h.e_shnum, h.e_shentsize, file_size)))
        return "it is truncated (" + std::to_string(file_size) + " bytes, shorter than its ELF header says)";
    return "";
}

}  // namespace

std::string this_machine() { return kMachine >= 0 ? machine_name(kMachine) : "this machine"; }

std::string library_problem(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::string("cannot read it: ") + std::strerror(errno);
    if (S_ISDIR(st.st_mode)) return "it is a folder, not a library file";
    if (!S_ISREG(st.st_mode)) return "it is not a regular file (a device or a FIFO?)";
    const auto size = static_cast<unsigned long long>(st.st_size);
    if (size == 0) return "the file is empty";
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::string("cannot read it: ") + std::strerror(errno);
    Ehdr h{};
    in.read(reinterpret_cast<char*>(&h), sizeof h);
    const auto got = static_cast<unsigned long long>(in.gcount());
    if (got < SELFMAG || std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0)
        return "it is not a shared library (no ELF header: a text file, a script or another format)";
    if (got < sizeof h) return "it is truncated (" + std::to_string(size) + " bytes, shorter than an ELF header)";
    std::string problem = header_problem(h, size);
    if (!problem.empty()) return problem;
    // The segments dlopen maps: each must lie inside the file, or touching its tail is a SIGBUS.
    std::vector<Phdr> ph(h.e_phnum);
    in.seekg(static_cast<std::streamoff>(h.e_phoff));
    in.read(reinterpret_cast<char*>(ph.data()), static_cast<std::streamsize>(ph.size() * sizeof(Phdr)));
    if (!in) return "it is truncated (" + std::to_string(size) + " bytes: its program headers cannot be read)";
    for (const Phdr& p : ph)
        if (p.p_type == PT_LOAD && !within(p.p_offset, 1, p.p_filesz, size))
            return "it is truncated (" + std::to_string(size) + " bytes, and a segment reaches to byte " +
                   std::to_string(static_cast<unsigned long long>(p.p_offset) + p.p_filesz) + ")";
    return "";
}

}  // namespace minerisk::plugin_file
