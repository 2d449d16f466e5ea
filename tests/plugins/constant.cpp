// Test plugin: well behaved. Scores every cell with the parameter `value`; declares one parameter of every
// type so that the engine's parameter checks can be tested against it.
#include "common.hpp"

namespace {

using namespace minerisk::plugin;

const mr_param_spec kParams[] = {
    {"value", MR_PARAM_NUMBER, nullptr, 0, 1, nullptr, "", "the score of every cell (required)"},
    {"count", MR_PARAM_INTEGER, "3", 1, 10, nullptr, "", "a whole number between 1 and 10"},
    {"flag", MR_PARAM_BOOLEAN, "false", 0, -1, nullptr, "", "true or false"},
    {"mode", MR_PARAM_STRING, "a", 0, -1, "a|b", "", "one of a, b"},
    {"weights", MR_PARAM_TABLE, "x=0.5", 0, 1, nullptr, "", "a table of numbers between 0 and 1"},
    {"since", MR_PARAM_DATE, "", 0, -1, nullptr, "days", "an optional date"},
};

int prepare(const mr_host* host, const mr_grid* grid, const mr_param_value* pv, int pc, void** out, char* err, size_t es) {
    return guarded(err, es, [&] {
        Params p(pv, pc);
        auto s = std::make_unique<test_plugin::State>();
        s->grid = *grid;
        s->value = p.number("value");
        host->log(host->ctx, "constant", 0, "prepared");
        *out = s.release();
        return MR_OK;
    });
}

int score(const void* state, const mr_host*, mr_window w, float* const* bands, char* err, size_t es) {
    return guarded(err, es, [&] {
        test_plugin::fill(bands[0], w, static_cast<float>(static_cast<const test_plugin::State*>(state)->value));
        return MR_OK;
    });
}

const mr_plugin kPlugin = {
    MINERISK_PLUGIN_ABI_VERSION,
    "constant",
    "0.0.1",
    "test plugin: the same score everywhere",
    kParams,
    static_cast<int>(sizeof kParams / sizeof kParams[0]),
    nullptr, 0, nullptr, 0, nullptr, 0,
    prepare,
    test_plugin::reach_zero,
    score,
    test_plugin::release_state,
    nullptr,  // roles: none
};

}  // namespace

extern "C" MINERISK_PLUGIN_EXPORT const mr_plugin* minerisk_plugin_v1(void) { return &kPlugin; }
