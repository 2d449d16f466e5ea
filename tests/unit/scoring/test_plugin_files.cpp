// Plugin library files that are not libraries for this build: refused with their path before dlopen() sees
// them (engine/scoring/library_file.cpp). A truncated library handed to dlopen is mapped past its end and
// the process dies of SIGBUS, so each of these must come back as a minerisk::Error, in this process.
#include <elf.h>
#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "minerisk/plugins.hpp"
#include "scoring/library_file.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace minerisk;
using minerisk::test::TempDir;

namespace {

// A real, well-behaved plugin of the broken-plugin zoo (tests/plugins/constant.cpp): the copies below are
// made from its bytes.
const std::string kGood = std::string(MINERISK_TEST_BAD_PLUGIN_DIR) + "/constant.so";

std::string bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string write(const TempDir& tmp, const std::string& name, const std::string& bytes) {
    const std::string path = tmp.file(name);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

template <class T>
void poke(std::string& bytes, size_t offset, T value) {
    std::memcpy(&bytes[offset], &value, sizeof value);
}

// The one line the loader gives for `path`; fails the test when the file loads.
std::string refusal(const std::string& path) {
    try {
        load_plugin_file(path);
    } catch (const Error& e) {
        EXPECT_EQ(e.where().file, path) << "the message names the library's path";
        return e.what();
    }
    ADD_FAILURE() << path << " was loaded";
    return "";
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE(std::string(text).find(part), std::string::npos) << "in: " << (text)

}  // namespace

TEST(PluginFiles, TheRealLibraryPassesTheChecks) {
    EXPECT_EQ(plugin_file::library_problem(kGood), "");
    EXPECT_NO_THROW(load_plugin_file(kGood));
}

TEST(PluginFiles, ATruncatedCopyOfARealPluginIsRefusedNotASigbus) {
    TempDir tmp;
    const std::string good = bytes_of(kGood);
    ASSERT_GT(good.size(), 4096u);
    for (const size_t keep : {good.size() / 2, good.size() - 1, size_t{100}, size_t{40}}) {
        const std::string path = write(tmp, "cut_" + std::to_string(keep) + ".so", good.substr(0, keep));
        const std::string msg = refusal(path);
        EXPECT_CONTAINS(msg, "cannot load the plugin library: it is truncated");
        EXPECT_CONTAINS(msg, path);
    }
}

TEST(PluginFiles, ATruncatedCopyWithoutSectionHeadersIsRefusedByItsSegments) {
    // `strip` may leave no section headers: the segments dlopen maps are checked against the size too.
    TempDir tmp;
    std::string cut = bytes_of(kGood).substr(0, bytes_of(kGood).size() / 2);
    poke<Elf64_Off>(cut, offsetof(Elf64_Ehdr, e_shoff), 0);
    poke<Elf64_Half>(cut, offsetof(Elf64_Ehdr, e_shnum), 0);
    EXPECT_CONTAINS(refusal(write(tmp, "stripped_cut.so", cut)), "a segment reaches to byte");
}

TEST(PluginFiles, AnEmptyFileIsRefused) {
    TempDir tmp;
    EXPECT_CONTAINS(refusal(write(tmp, "empty.so", "")), "cannot load the plugin library: the file is empty");
}

TEST(PluginFiles, ATextFileIsRefusedAsNotELF) {
    TempDir tmp;
    EXPECT_CONTAINS(refusal(write(tmp, "notes.so", "#!/bin/sh\necho this is not a library\n")), "no ELF header");
}

TEST(PluginFiles, AnotherMachineOrClassOrAnObjectFileIsRefused) {
    TempDir tmp;
    const std::string good = bytes_of(kGood);
    std::string other = good;
    const Elf64_Half elsewhere = plugin_file::this_machine() == "AArch64" ? EM_X86_64 : EM_AARCH64;
    poke<Elf64_Half>(other, offsetof(Elf64_Ehdr, e_machine), elsewhere);
    const std::string msg = refusal(write(tmp, "other_machine.so", other));
    EXPECT_CONTAINS(msg, "it is built for " + std::string(elsewhere == EM_AARCH64 ? "AArch64" : "x86-64"));
    EXPECT_CONTAINS(msg, "this machine is " + plugin_file::this_machine());

    std::string bits32 = good;
    bits32[EI_CLASS] = ELFCLASS32;
    EXPECT_CONTAINS(refusal(write(tmp, "bits32.so", bits32)), "it is a 32-bit library, and this minerisk is 64-bit");

    std::string object = good;
    poke<Elf64_Half>(object, offsetof(Elf64_Ehdr, e_type), ET_REL);
    EXPECT_CONTAINS(refusal(write(tmp, "object.so", object)), "it is an object file (.o), not a shared library");
}

TEST(PluginFiles, AScanOfAFolderWithBrokenFilesLoadsTheGoodOneAndNamesEachOther) {
    TempDir tmp;
    const std::string good = bytes_of(kGood);
    write(tmp, "constant.so", good);
    write(tmp, "cut.so", good.substr(0, good.size() / 3));
    write(tmp, "empty.so", "");
    write(tmp, "readme.so", "plain text\n");
    PluginRegistry reg;
    reg.scan({tmp.path.string()});
    ASSERT_NE(reg.find("constant"), nullptr);
    ASSERT_EQ(reg.problems().size(), 3u);
    EXPECT_CONTAINS(reg.problems()[0], "cut.so");
    EXPECT_CONTAINS(reg.problems()[0], "truncated");
    EXPECT_CONTAINS(reg.problems()[1], "empty.so");
    EXPECT_CONTAINS(reg.problems()[2], "readme.so");
    EXPECT_CONTAINS(reg.problems()[2], "no ELF header");
}
